using System.Net;
using System.Net.Sockets;
using Cache.Node.Background;
using Cache.Node.Cluster;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>
/// Joins the cluster once the listener is bound (gossip advertises the bound RESP port), has the
/// composition root build the cluster parts and gives them to the server. On stop it leaves the
/// cluster, so peers hear it from us rather than suspect a failure, then stops the hand-off.
/// </summary>
internal sealed class ClusterService(CacheServer server, PeerLinks peers, IServer listener, ILoggerFactory loggers, BackgroundFailures failures) : IHostedService
{
    private int _stopped;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = server.Settings;
        var (plainPort, tlsPort) = BoundPorts(listener, settings);
        server.BoundTlsPort = tlsPort;
        // A TLS-only node advertises its TLS port as its RESP endpoint.
        var port = settings.PlainPortEnabled ? plainPort : tlsPort;
        var name = settings.Name ?? $"{Dns.GetHostName()}:{port}";
        ClusterMembership membership;
        try
        {
            membership = await ClusterMembership.StartAsync(settings, name, new IPEndPoint(settings.AnnouncedAddress, port).ToString(), tlsPort, server.Time,
                loggers, failures, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not (SocketException or OperationCanceledException))
        {
            // A gossip port in use is reported to the operator by the caller, in one line; anything else is logged here too.
            failures.Report(BackgroundWork.MembershipStart, ex);
            throw;
        }

        var cluster = NodeComposition.BuildCluster(server, membership, peers, loggers, failures);
        server.AttachCluster(cluster, NodeComposition.BuildRouter(server, cluster), port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server.Cluster is not { } membership || Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await membership.DisposeAsync().ConfigureAwait(false);
        server.HandOff!.Dispose();
    }

    // Kestrel lists its addresses in the order they were added: plain ones (http://) then TLS ones (https://).
    private static (int Plain, int Tls) BoundPorts(IServer listener, NodeSettings settings)
    {
        int? plain = null, tls = null;
        foreach (var address in listener.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            var colon = address.LastIndexOf(':');
            if (colon > 0 && int.TryParse(address[(colon + 1)..].TrimEnd('/'), out var port))
            {
                if (address.StartsWith("https", StringComparison.OrdinalIgnoreCase))
                {
                    tls ??= port;
                }
                else
                {
                    plain ??= port;
                }
            }
        }

        return (plain ?? (settings.PlainPortEnabled ? settings.RequestedPort : 0), tls ?? settings.Tls.Port ?? 0);
    }
}
