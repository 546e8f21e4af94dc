using System.Text;
using Cache.Node.Storage;
using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Security;

/// <summary>A cluster whose only secret is its gossip key: the peer links derive theirs from it and everything still flows.</summary>
public sealed class KeyringClusterTests : IAsyncLifetime
{
    private static readonly string GossipKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes.AddRange(await TestCluster.StartAsync(3, o =>
    {
        o.ClusterSecret = null;
        o.GossipKey = GossipKey;
        o.AntiEntropyInterval = 100;
    }));

    public Task DisposeAsync() => TestCluster.StopAsync(_nodes);

    [Fact]
    public async Task Three_nodes_with_a_gossip_key_replicate_forward_and_repair()
    {
        // Writes through one node: forwarded to each key's primary, replicated to its owners (W = 2).
        await using (var client = await _nodes[0].ConnectAsync())
        {
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"kr:{i}", "original"));
            }

            Assert.Contains("cluster_secret:gossip-key\r\n", await client.CallAsync("INFO", "cluster"), StringComparison.Ordinal);
        }

        await TestCluster.WaitUntilAsync(() => _nodes.All(n => Enumerable.Range(0, 50).All(i => TestCluster.ValueOn(n, $"kr:{i}") == "original")), "every copy written");
        await using (var other = await _nodes[2].ConnectAsync())
        {
            Assert.Equal("$8\r\noriginal\r\n", await other.CallAsync("GET", "kr:7"));
            var info = await other.CallAsync("INFO", "cluster");
            Assert.DoesNotContain("cluster_peer_auth_accepted:0\r\n", info, StringComparison.Ordinal);
            Assert.Contains("cluster_peer_auth_refused:0\r\n", info, StringComparison.Ordinal);
        }

        // A write the replication path never carried reaches the others by anti-entropy.
        var keys = _nodes[1].Server.Keys;
        using (keys.Enter())
        {
            var entry = keys.Export("kr:3"u8)!.Value;
            Assert.True(keys.Apply("kr:3"u8, entry with { Version = new EntryVersion(entry.Version.Clock + 1000, entry.Version.Node), Value = Encoding.UTF8.GetBytes("repaired") }));
        }

        await TestCluster.WaitUntilAsync(() => _nodes.All(n => TestCluster.ValueOn(n, "kr:3") == "repaired"), "the repair on every node");
    }
}
