using Cache.Node.Tests.Commands;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Set commands through any node of three: the same replies as one node, and Redis Cluster's
/// same-slot rule. (SINTERCARD is left out: its keys come from a key count, which the router's
/// first/last/step range cannot show, so today it is served by whichever node gets it.)
/// </summary>
public sealed class SetClusterTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task Every_node_serves_the_same_sets()
    {
        var members = Enumerable.Range(0, 300).Select(i => "m" + i).ToArray();
        await using (var writer = await cluster.Nodes[0].ConnectAsync())
        {
            Assert.Equal(":300\r\n", await writer.CallAsync(["SADD", "{s}big", .. members]));
            Assert.Equal(":3\r\n", await writer.CallAsync("SADD", "{s}ints", "3", "1", "2"));
            Assert.Equal(":2\r\n", await writer.CallAsync("SADD", "{s}both", "m1", "2"));
        }

        foreach (var node in cluster.Nodes)
        {
            await using var client = await node.ConnectAsync();
            Assert.Equal(":300\r\n", await client.CallAsync("SCARD", "{s}big"));
            Assert.Equal("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", await client.CallAsync("SMEMBERS", "{s}ints"));
            Assert.Equal(members.Order(StringComparer.Ordinal), RespText.Bulks(await client.CallAsync("SMEMBERS", "{s}big")).Order(StringComparer.Ordinal));
            Assert.Equal(":2\r\n", await client.CallAsync("SINTERSTORE", "{s}dst", "{s}both", "{s}both"));
            Assert.Equal(["2", "m1"], RespText.Bulks(await client.CallAsync("SUNION", "{s}dst", "nokey{s}")).Order(StringComparer.Ordinal));
            Assert.Equal(":1\r\n", await client.CallAsync("SMOVE", "{s}dst", "{s}ints", "m1"));
            Assert.Equal(":1\r\n", await client.CallAsync("SMOVE", "{s}ints", "{s}dst", "m1"));
        }
    }

    [Fact]
    public async Task Keys_of_different_slots_are_refused_with_crossslot()
    {
        await using var client = await cluster.Nodes[1].ConnectAsync();
        const string crossSlot = "-CROSSSLOT Keys in request don't hash to the same slot\r\n";
        Assert.Equal(crossSlot, await client.CallAsync("SINTER", "a", "b"));
        Assert.Equal(crossSlot, await client.CallAsync("SUNIONSTORE", "a", "b"));
        Assert.Equal(crossSlot, await client.CallAsync("SMOVE", "a", "b", "m"));
    }
}
