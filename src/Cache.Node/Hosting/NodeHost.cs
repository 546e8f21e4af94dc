using System.Net;
using Cache.Node.Cluster;
using Cache.Node.Commands;
using Cache.Node.Resp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>A running node: the RESP listener on Kestrel plus background services.</summary>
internal sealed class NodeHost : IAsyncDisposable
{
    private readonly IHost _host;

    private static int s_warnedNoMemoryLimit;
    private readonly SlotHandOff _handOff;

    private NodeHost(IHost host, CacheServer server, int port, SlotHandOff handOff)
    {
        _host = host;
        _handOff = handOff;
        Server = server;
        Port = port;
    }

    public CacheServer Server { get; }

    /// <summary>The bound RESP port (the real one when 0 was asked for).</summary>
    public int Port { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>Builds and starts a node; throws <see cref="IOException"/> when the port is taken.</summary>
    public static async Task<NodeHost> StartAsync(NodeOptions options, TimeProvider? time = null,
        Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        if (NodeOptionsValidator.Validate(options) is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        NodeOptionsValidator.TryParseBind(options.Bind, out var addresses, out _);
        time ??= TimeProvider.System;
        var server = new CacheServer(options, time);

        var host = new HostBuilder()
            .UseConsoleLifetime(o => o.SuppressStatusMessages = true)
            .ConfigureLogging(builder =>
            {
                if (logging is null)
                {
                    builder.AddSimpleConsole(o =>
                    {
                        o.SingleLine = true;
                        o.TimestampFormat = "dd MMM yyyy HH:mm:ss.fff ";
                    });
                    builder.SetMinimumLevel(LogLevel.Information);
                    builder.AddFilter("Microsoft", LogLevel.Warning);
                    // A failed start is reported once, by Program, in one line with what to do.
                    builder.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
                }
                else
                {
                    logging(builder);
                }
            })
            .ConfigureServices(services =>
            {
                services.AddSingleton(server);
                services.AddSingleton(time);
                services.AddSingleton<ActiveExpiryService>();
                services.AddHostedService(sp => sp.GetRequiredService<ActiveExpiryService>());
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
            })
            .ConfigureWebHost(web => web
                .UseKestrel(kestrel =>
                {
                    kestrel.AddServerHeader = false;
                    foreach (var address in addresses)
                    {
                        kestrel.Listen(address, options.Port, listen => listen.UseConnectionHandler<RespConnectionHandler>());
                    }
                })
                .UseSockets(sockets =>
                {
                    // The parser needs a whole frame buffered, so the transport may not pause below
                    // client-query-buffer-limit; above it, it must, or a client that never reads its
                    // replies could make us buffer its input without end.
                    sockets.MaxReadBufferSize = server.QueryBufferCeiling + (1024 * 1024);
                    sockets.NoDelay = true;
                    // Request/response traffic: run our loop on the socket thread instead of hopping to the pool.
                    sockets.UnsafePreferInlineScheduling = true;
                })
                .Configure(_ => { }))
            .ConfigureServices(services => services.AddHostedService<ClusterLeaveService>())
            .Build();

        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            host.Dispose();
            throw new IOException($"cannot listen on {options.Bind}:{options.Port}: {ex.Message.Replace("http://", "", StringComparison.Ordinal).TrimEnd('.')}. Stop whatever holds the port or pick another with --port.", ex);
        }

        // Once per process: a --local-cluster would otherwise say it once per node.
        if (server.Keys.MaxMemory == 0 && Interlocked.Exchange(ref s_warnedNoMemoryLimit, 1) == 0)
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cache.Node.Memory").LogWarning(
                "No memory limit: --maxmemory is 0, so the cache grows until the machine runs out of memory. Set one, e.g. --maxmemory 512mb --maxmemory-policy allkeys-lru.");
        }

        var port = BoundPort(host, options.Port);
        server.BoundPort = port;
        options.Name ??= $"{Dns.GetHostName()}:{port}";
        var advertised = AnnouncedAddress(options, addresses[0]);
        try
        {
            server.Cluster = await ClusterMembership.StartAsync(options, options.Name, new IPEndPoint(advertised, port).ToString(), time,
                host.Services.GetRequiredService<ILoggerFactory>(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Never leave a listening host behind a failed start.
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
            host.Dispose();
            if (ex is System.Net.Sockets.SocketException)
            {
                throw new IOException($"cannot bind the gossip port {options.EffectiveGossipPort} on {addresses[0]}: {ex.Message}. Pick another with --gossip-port.", ex);
            }

            throw;
        }

        var cluster = server.Cluster;
        var stats = new ReplicationStats();
        server.Keys.NodeId = ClusterMembership.VersionNodeId(options.Name);
        using (server.Keys.Enter())
        {
            server.Keys.EnableSlotIndex();
        }

        server.Peers = new PeerLinks(options.RequirePass, TimeSpan.FromMilliseconds(options.ReplicationTimeout), time);
        server.Replication = new Replicator(cluster, server.Peers, options.QuorumFor, stats);
        var handOff = new SlotHandOff(cluster, server.Peers, server.Keys, stats, options.TombstoneHorizon, !string.IsNullOrWhiteSpace(options.Join), time,
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cache.Node.HandOff"));
        server.HandOff = handOff;
        server.Router = new Cluster.Routing.ClusterCommandRouter(new Cluster.Routing.MembershipTopology(cluster, server.Peers, handOff, TimeSpan.FromMilliseconds(options.ReplicationTimeout)), options.ReadQuorum);
        server.AntiEntropy = new AntiEntropy(cluster, server.Peers, server.Keys, handOff, server.AntiEntropyStats,
            TimeSpan.FromMilliseconds(options.AntiEntropyInterval), time,
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cache.Node.AntiEntropy"));
        return new NodeHost(host, server, port, handOff);
    }

    /// <summary>Pulls data when the ring changes.</summary>
    public SlotHandOff HandOff => _handOff;

    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _host.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Server.AntiEntropy is { } antiEntropy)
        {
            await antiEntropy.DisposeAsync().ConfigureAwait(false);
        }

        await _handOff.PushBeforeLeaveAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        if (Server.Cluster is { } cluster)
        {
            // Leave first, so peers hear it from us rather than suspecting a failure.
            await cluster.DisposeAsync().ConfigureAwait(false);
        }

        _handOff.Dispose();
        await _host.StopAsync().ConfigureAwait(false);
        if (Server.Peers is { } peers)
        {
            await peers.DisposeAsync().ConfigureAwait(false);
        }

        _host.Dispose();
    }

    /// <summary>--announce-ip, else the bind address, else loopback for a wildcard bind.</summary>
    internal static IPAddress AnnouncedAddress(NodeOptions options, IPAddress bound) =>
        !string.IsNullOrEmpty(options.AnnounceIp) ? IPAddress.Parse(options.AnnounceIp)
        : bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback
        : bound;

    private static int BoundPort(IHost host, int requested)
    {
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        foreach (var address in addresses?.Addresses ?? [])
        {
            var colon = address.LastIndexOf(':');
            if (colon > 0 && int.TryParse(address[(colon + 1)..].TrimEnd('/'), out var port))
            {
                return port;
            }
        }

        return requested;
    }
}
