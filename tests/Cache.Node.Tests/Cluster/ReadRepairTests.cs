using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>--read-quorum 2: the primary compares its copy with another owner's before it answers, and repairs the stale one.</summary>
public sealed class ReadRepairTests : IAsyncLifetime
{
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes.AddRange(await TestCluster.StartAsync(3, o => { o.ReadQuorum = 2; o.AntiEntropyInterval = 0; }));

    public Task DisposeAsync() => TestCluster.StopAsync(_nodes);

    [Fact]
    public async Task A_stale_primary_answers_with_the_newer_copy_and_takes_it()
    {
        var (primary, consulted) = OwnersOf("stale-primary");
        await using var client = await primary.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "stale-primary", "old"));

        // A write the primary missed, present on the owner it consults.
        await InjectAsync(consulted, "stale-primary", "new");
        Assert.Equal("$3\r\nnew\r\n", await client.CallAsync("GET", "stale-primary"));
        Assert.Equal("new", TestCluster.ValueOn(primary, "stale-primary"));
        Assert.Contains("cluster_read_repairs:1\r\n", await client.CallAsync("INFO", "cluster"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stale_replica_is_repaired_by_the_read_and_later_commands_wait_for_it()
    {
        var (primary, consulted) = OwnersOf("stale-replica");
        await using var client = await primary.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "stale-replica", "v1"));
        await InjectAsync(primary, "stale-replica", "v2");

        // Pipelined: the SET after the quorum read must not run before it.
        await client.SendAsync("GET", "stale-replica");
        await client.SendAsync("SET", "stale-replica", "v3");
        Assert.Equal("$2\r\nv2\r\n", await client.ReadReplyAsync());
        Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        // v3 reached the consulted owner after the repair (v2), never before it.
        await TestCluster.WaitUntilAsync(() => TestCluster.ValueOn(consulted, "stale-replica") == "v3", "v3 on the consulted owner");
    }

    private (TestNode Primary, TestNode Consulted) OwnersOf(string key)
    {
        var ring = _nodes[0].Server.Cluster!.Ring;
        var owners = ring.OwnerIndices(HashSlot.ForKey(Encoding.UTF8.GetBytes(key)));
        TestNode NodeAt(int index) => _nodes.Single(n => n.Server.Cluster!.Gossip.Name == ring.Nodes[index].Id);
        return (NodeAt(owners[0]), NodeAt(owners[1]));
    }

    private static async Task InjectAsync(TestNode node, string key, string value)
    {
        // The write is acknowledged by two of three copies: wait for this one's.
        await TestCluster.WaitUntilAsync(() => TestCluster.ValueOn(node, key) is not null, $"{key} on {node.Endpoint}");

        var keys = node.Server.Keys;
        using (keys.Enter())
        {
            var current = keys.Export(Encoding.UTF8.GetBytes(key))!.Value;
            var newer = new ReplicatedEntry(new EntryVersion(current.Version.Clock + 1000, current.Version.Node), ValueKind.String, 0, Encoding.UTF8.GetBytes(value));
            Assert.True(keys.Apply(Encoding.UTF8.GetBytes(key), newer));
        }
    }
}
