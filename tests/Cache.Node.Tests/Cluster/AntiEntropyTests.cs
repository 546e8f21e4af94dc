using System.Text;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>Anti-entropy rounds spread a write or a delete that only one replica holds to the others.</summary>
public sealed class AntiEntropyTests : IAsyncLifetime
{
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes.AddRange(await TestCluster.StartAsync(3, o => o.AntiEntropyInterval = 100));

    public Task DisposeAsync() => TestCluster.StopAsync(_nodes);

    [Fact]
    public async Task A_write_and_a_delete_that_only_one_replica_holds_reach_every_replica()
    {
        await using (var client = await _nodes[0].ConnectAsync())
        {
            for (var i = 0; i < 100; i++)
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"ae:{i}", "original"));
            }
        }

        await TestCluster.WaitUntilAsync(() => _nodes.All(n => TestCluster.ValueOn(n, "ae:99") == "original"), "every copy written");

        // Writes the replication path never carried: a newer value on one node, a newer delete on another.
        Inject(_nodes[2], "ae:7", e => e with { Version = Newer(e), Value = "repaired"u8.ToArray() });
        Inject(_nodes[1], "ae:8", e => ReplicatedEntry.Tombstone(Newer(e)));

        await TestCluster.WaitUntilAsync(() => _nodes.All(n => TestCluster.ValueOn(n, "ae:7") == "repaired" && TestCluster.ValueOn(n, "ae:8") is null), "the repair on every node");
        await using var info = await _nodes[0].ConnectAsync();
        var text = await info.CallAsync("INFO", "cluster");
        Assert.DoesNotContain("cluster_antientropy_rounds:0\r\n", text, StringComparison.Ordinal);
        Assert.Contains("cluster_antientropy_rounds_in_sync:", text, StringComparison.Ordinal);
    }

    private static EntryVersion Newer(ReplicatedEntry entry) => new(entry.Version.Clock + 1000, entry.Version.Node);

    private static void Inject(TestNode node, string key, Func<ReplicatedEntry, ReplicatedEntry> change)
    {
        var keys = node.Server.Keys;
        var bytes = Encoding.UTF8.GetBytes(key);
        using (keys.Enter())
        {
            Assert.True(keys.Apply(bytes, change(keys.Export(bytes)!.Value)));
        }
    }
}
