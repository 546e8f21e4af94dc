using System.Diagnostics;
using Cache.Client.Caching;
using Cache.Node.Tests.Cluster;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Cache.Client.Tests.Cluster;

/// <summary>
/// Three real node processes joined with --join (three copies of every key): one is killed with
/// SIGKILL while the client reads and writes, then every one is.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ShortTimeout = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan FormBound = TimeSpan.FromSeconds(30);
    private static readonly DistributedCacheEntryOptions Forever = new();

    [Fact]
    public async Task Reads_and_writes_keep_working_through_a_kill_9_and_fail_clearly_once_every_node_is_gone()
    {
        var nodes = new List<NodeProcess>();
        try
        {
            nodes.Add(await NodeProcess.StartAsync());
            nodes.Add(await NodeProcess.StartAsync("--join", nodes[0].GossipAddress));
            nodes.Add(await NodeProcess.StartAsync("--join", nodes[0].GossipAddress));
            await RingOfAsync(nodes, 3);

            await using var cache = new GossipCache(Options.Create(new GossipCacheOptions
            {
                // The default CommandTimeout (5 s): a copy holder serves the killed primary's slots
                // once gossip suspects it (1–2 s), long before it is declared dead.
                Seeds = string.Join(",", nodes.Select(n => $"127.0.0.1:{n.Port}")),
                ConnectTimeout = TimeSpan.FromSeconds(2),
            }));
            // A second client with a short timeout for the end, when no node is left: it must not hang.
            var seeds = string.Join(",", nodes.Select(n => $"127.0.0.1:{n.Port}"));
            await using var impatient = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = seeds, CommandTimeout = ShortTimeout }));
            Assert.Null(await impatient.GetAsync("warm-up"));
            const int Keys = 150;
            for (var i = 0; i < Keys; i++)
            {
                await cache.SetAsync("before:" + i, Value(i), Forever);
            }

            var victim = nodes[1];
            nodes.RemoveAt(1);
            victim.Kill();
            await victim.DisposeAsync();

            // Straight after the kill, before the survivors have noticed: reads of the dead node's keys
            // go to the next owner at once (READONLY: it serves its copy).
            var slowestRead = TimeSpan.Zero;
            for (var i = 0; i < Keys; i++)
            {
                var call = Stopwatch.StartNew();
                Assert.Equal(Value(i), await cache.GetAsync("before:" + i));
                slowestRead = call.Elapsed > slowestRead ? call.Elapsed : slowestRead;
            }

            Assert.True(slowestRead < TimeSpan.FromSeconds(2), $"slowest read after the kill: {slowestRead}");

            // Writes of its keys wait until the survivors suspect it (a node holding a copy then
            // serves them), inside the default timeout.
            var slowestWrite = TimeSpan.Zero;
            for (var i = 0; i < Keys; i++)
            {
                var call = Stopwatch.StartNew();
                await cache.SetAsync("after:" + i, Value(i), Forever);
                slowestWrite = call.Elapsed > slowestWrite ? call.Elapsed : slowestWrite;
            }

            output.WriteLine($"after the kill: slowest read {slowestRead}, slowest write {slowestWrite}");
            await RingOfAsync(nodes, 2);
            for (var i = 0; i < Keys; i++)
            {
                Assert.Equal(Value(i), await cache.GetAsync("before:" + i));
                Assert.Equal(Value(i), await cache.GetAsync("after:" + i));
            }

            foreach (var node in nodes)
            {
                node.Kill();
            }

            var gone = Stopwatch.StartNew();
            var ex = await Assert.ThrowsAsync<GossipCacheUnavailableException>(() => impatient.GetAsync("before:1"));
            Assert.InRange(gone.Elapsed, ShortTimeout - TimeSpan.FromMilliseconds(100), ShortTimeout + TimeSpan.FromSeconds(3));
            Assert.Contains("CommandTimeout", ex.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<GossipCacheUnavailableException>(() => impatient.SetAsync("k", [1], Forever));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    private static byte[] Value(int i) => System.Text.Encoding.UTF8.GetBytes("value-" + i);

    // Membership lives in other processes: ask each over RESP until its ring has the count (bounded).
    private static async Task RingOfAsync(List<NodeProcess> nodes, int members)
    {
        var deadline = Stopwatch.StartNew();
        foreach (var node in nodes)
        {
            while (await NodeInfo.ReadAsync(node.Port, "cluster", "cluster_ring_nodes") != members)
            {
                Assert.True(deadline.Elapsed < FormBound, $"node {node.Port}: ring not at {members} members within {FormBound}");
                await Task.Delay(100);
            }
        }
    }
}
