using Cache.Node.Background;
using Cache.Node.Cluster;
using Cache.Node.Cluster.Routing;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>
/// The composition root: builds the node's parts in one place and registers them as hosted
/// services in the order they start. They stop in reverse, which is the shutdown order:
/// anti-entropy, hand-off before the leave, leaving the cluster (then the hand-off stops), the
/// RESP listener, active expiry, the peer links.
/// </summary>
internal static class NodeComposition
{
    /// <summary>
    /// A node that joins no cluster starts from the RDB file in dir, when there is one, as Redis
    /// does. A cluster member does not: its replicas hold newer data and deletes a file knows
    /// nothing of (tombstones), and hand-off and anti-entropy give it its slots back.
    /// </summary>
    private static void LoadSnapshot(CacheServer server)
    {
        if (server.Settings.HasSeeds)
        {
            return;
        }

        using (server.Keys.Enter())
        {
            if (!server.Persistence.TryLoad(out var error))
            {
                throw new IOException($"cannot load the RDB file {server.Persistence.FilePath}: {error}. Move it away, or fix --dir/--dbfilename.");
            }
        }
    }

    /// <summary>The host of one node: store and settings, listener, background services. Not started.</summary>
    public static IHost Build(NodeSettings settings, TimeProvider time, Action<ILoggingBuilder>? logging)
    {
        var server = new CacheServer(settings, time);
        LoadSnapshot(server);
        var peers = new PeerLinks(new PeerCredentials(settings.ClusterSecret, settings.Name ?? "unjoined"), settings.ReplicationTimeout, time, settings.Tls);
        return new HostBuilder()
            .UseConsoleLifetime(o => o.SuppressStatusMessages = true)
            .ConfigureLogging(builder => ConfigureLogging(builder, logging))
            .ConfigureServices(services =>
            {
                // Given as instances: the container neither builds nor disposes them; the services below stop them.
                services.AddSingleton(settings);
                services.AddSingleton(time);
                services.AddSingleton(server);
                services.AddSingleton(peers);
                services.AddSingleton(sp => new BackgroundFailures(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Cache.Node.Background")));
                services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

                // Start order; they stop in reverse.
                services.AddHostedService<PeerSecurityService>();
                services.AddHostedService<PeerLinksService>();
                services.AddSingleton<ActiveExpiryService>();
                services.AddHostedService(sp => sp.GetRequiredService<ActiveExpiryService>());
                services.AddHostedService<ServerCronService>();
                services.AddHostedService<ReplicaRoleService>();
                services.AddHostedService<TlsReloadService>();
            })
            .ConfigureWebHost(web => web
                .UseKestrel(kestrel =>
                {
                    kestrel.AddServerHeader = false;
                    // Plain first: ClusterService reads the bound ports in this order.
                    foreach (var address in settings.PlainPortEnabled ? settings.BindAddresses : [])
                    {
                        kestrel.Listen(address, settings.RequestedPort, listen => listen.UseConnectionHandler<RespConnectionHandler>());
                    }

                    foreach (var address in settings.Tls.Enabled ? settings.BindAddresses : [])
                    {
                        kestrel.Listen(address, settings.Tls.Port!.Value, listen => TlsListener.Configure(listen, settings.Tls));
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
            .ConfigureServices(services =>
            {
                // After the listener: gossip advertises the port it bound.
                services.AddHostedService<ClusterService>();
                services.AddHostedService<LeaveHandOffService>();
                services.AddHostedService<AntiEntropyService>();
            })
            .Build();
    }

    /// <summary>The cluster parts of a node that has joined gossip as <paramref name="membership"/>.</summary>
    public static NodeCluster BuildCluster(CacheServer server, ClusterMembership membership, PeerLinks peers, ILoggerFactory loggers, BackgroundFailures failures)
    {
        var settings = server.Settings;
        server.Keys.NodeId = ClusterMembership.VersionNodeId(membership.Gossip.Name);
        peers.Credentials.NodeId = membership.Gossip.Name;
        using (server.Keys.Enter())
        {
            server.Keys.EnableSlotIndex();
        }

        peers.TlsEndpointOf = membership.TlsEndpointOf;
        var stats = new ReplicationStats();
        var quorum = new WriteQuorum(membership, peers, settings.QuorumFor, settings.ReplicationTimeout);
        var replication = new Replicator(membership, peers, quorum, server.Keys, stats, failures, server.Time, settings.ReplicationTimeout);
        var handOff = new SlotHandOff(membership, peers, server.Keys, stats, settings.TombstoneHorizon, settings.HasSeeds, server.Time,
            loggers.CreateLogger("Cache.Node.HandOff"), failures);
        var antiEntropy = new AntiEntropy(membership, peers, server.Keys, handOff, server.AntiEntropyStats, settings.AntiEntropyInterval, server.Time,
            loggers.CreateLogger("Cache.Node.AntiEntropy"), failures);
        return new NodeCluster(membership, peers, replication, handOff, antiEntropy);
    }

    /// <summary>The router of a cluster node: where each keyed command runs on the current ring.</summary>
    public static ClusterCommandRouter BuildRouter(CacheServer server, NodeCluster cluster) =>
        new(new MembershipTopology(cluster.Membership, cluster.Peers, cluster.HandOff, server.Settings.ReplicationTimeout), server.Settings.ReadQuorum);

    private static void ConfigureLogging(ILoggingBuilder builder, Action<ILoggingBuilder>? logging)
    {
        if (logging is not null)
        {
            logging(builder);
            return;
        }

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
}
