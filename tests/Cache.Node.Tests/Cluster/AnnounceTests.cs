using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

public sealed class AnnounceTests
{
    [Fact]
    public async Task Announce_ip_is_what_cluster_nodes_and_gossip_advertise()
    {
        await using var node = await TestNode.StartAsync(o => o.AnnounceIp = "127.0.0.2");
        await using var client = await node.ConnectAsync();
        var nodes = await client.CallAsync("CLUSTER", "NODES");
        Assert.Contains($" 127.0.0.2:{node.Port}@", nodes, StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.2:", node.Server.Cluster!.Gossip.Address, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_announce_ip_is_refused_at_start() =>
        Assert.StartsWith("--announce-ip must be an IP address",
            Cache.Node.Configuration.NodeOptionsValidator.Validate(new Cache.Node.Configuration.NodeOptions { AnnounceIp = "example" }), StringComparison.Ordinal);
}
