using Cache.Node.Cluster;
using Cache.Node.Cluster.Routing;
using Cache.Node.Hosting;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Tests.Hosting;

public sealed class NodeCompositionTests
{
    [Fact]
    public async Task The_parts_start_in_order_so_they_stop_anti_entropy_first_and_the_peer_links_last()
    {
        await using var node = await TestNode.StartAsync();

        var order = node.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();

        // The host stops its hosted services in reverse: anti-entropy, hand-off before the leave,
        // the leave, the listener (Kestrel's web host service), active expiry, the peer links.
        Assert.Equal(
            [nameof(PeerSecurityService), nameof(PeerLinksService), nameof(ActiveExpiryService), nameof(ServerCronService), nameof(ReplicaRoleService), nameof(TlsReloadService), "GenericWebHostService", nameof(ClusterService), nameof(LeaveHandOffService), nameof(AntiEntropyService)],
            order);
    }

    [Fact]
    public async Task A_started_node_has_every_cluster_part_and_they_are_given_once()
    {
        await using var node = await TestNode.StartAsync();
        var server = node.Server;

        Assert.NotNull(server.Cluster);
        Assert.NotNull(server.Peers);
        Assert.NotNull(server.Replication);
        Assert.NotNull(server.HandOff);
        Assert.NotNull(server.AntiEntropy);
        Assert.IsType<ClusterCommandRouter>(server.Router);
        Assert.Equal(node.Port, server.BoundPort);
        var again = new NodeCluster(server.Cluster, server.Peers, server.Replication, server.HandOff, server.AntiEntropy);
        Assert.Throws<InvalidOperationException>(() => server.AttachCluster(again, server.Router, 1));
        Assert.Equal(node.Port, server.BoundPort);
    }

    [Fact]
    public async Task Stopping_twice_is_harmless()
    {
        var node = await TestNode.StartAsync();
        var host = node.Services.GetRequiredService<IHost>();

        await host.StopAsync();
        await node.DisposeAsync();

        Assert.Equal(0, node.Server.Peers!.Count);
    }
}
