using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// When a node keeps tombstones: not while it has never had a peer and was given no seeds (no
/// copy elsewhere can bring a key back), but from the start when it was given seeds, even
/// before it reaches them (its cluster may hold older copies).
/// </summary>
public sealed class TombstoneModeTests
{
    [Fact]
    public async Task A_node_started_alone_without_seeds_deletes_outright()
    {
        await using var node = await TestNode.StartAsync();
        Assert.Equal(0, await SetAndDeleteAsync(node));
    }

    [Fact]
    public async Task A_node_given_seeds_keeps_tombstones_before_it_meets_a_peer()
    {
        // A seed nobody answers on (loopback, a port nothing listens on). One copy is enough for a
        // write here: with the default quorum such a node refuses writes until it meets its cluster
        // (WriteQuorumTests).
        await using var node = await TestNode.StartAsync(o => { o.Join = "127.0.0.1:9"; o.WriteQuorum = 1; });
        Assert.Equal(1, await SetAndDeleteAsync(node));
    }

    private static async Task<int> SetAndDeleteAsync(TestNode node)
    {
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "gone", "v"));
        Assert.Equal(":1\r\n", await client.CallAsync("DEL", "gone"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "gone"));
        using (node.Server.Keys.Enter())
        {
            return node.Server.Keys.TombstoneCount;
        }
    }
}
