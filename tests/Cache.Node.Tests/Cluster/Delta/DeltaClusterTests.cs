using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster.Delta;

/// <summary>
/// Replication by change on three in-process nodes (three copies): a write to a large collection
/// costs its replicas the command, not the collection, as INFO's per-peer byte counters show; a
/// replica that misses the base gets the full value; every copy ends equal.
/// </summary>
public sealed class DeltaClusterTests : IAsyncLifetime
{
    private const int Elements = 20_000;
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes.AddRange(await TestCluster.StartAsync(3));

    public Task DisposeAsync() => TestCluster.StopAsync(_nodes);

    [Fact]
    public async Task One_lpush_to_a_large_list_sends_each_replica_under_a_kilobyte()
    {
        var (primary, replicas) = Owners("big");
        await using var client = await primary.ConnectAsync();
        for (var start = 0; start < Elements; start += 1000)
        {
            Assert.Equal($":{start + 1000}\r\n", await client.CallAsync(["RPUSH", "big", .. Enumerable.Range(start, 1000).Select(i => $"element:{i}")]));
        }

        await WaitForCopiesAsync("big", "LLEN", $":{Elements}\r\n");
        var traffic = primary.Server.Replication!.Stats.Traffic;
        var before = traffic.Peers().ToDictionary(p => p.Peer);

        Assert.Equal($":{Elements + 1}\r\n", await client.CallAsync("LPUSH", "big", "one-more"));
        await WaitForCopiesAsync("big", "LLEN", $":{Elements + 1}\r\n");

        foreach (var replica in replicas)
        {
            var name = replica.Server.Cluster!.Gossip.Name;
            var after = traffic.Peers().Single(p => p.Peer == name);
            var sent = after.Bytes - before[name].Bytes;
            Assert.InRange(sent, 1, 1023);
            Assert.Equal(1, after.Deltas - before[name].Deltas);
            Assert.Equal(before[name].Full, after.Full);
        }

        await AssertCopiesEqualAsync("big", "LRANGE", "0", "-1");
    }

    [Fact]
    public async Task A_replica_that_misses_the_base_gets_the_full_value_and_the_write_its_quorum()
    {
        var (primary, replicas) = Owners("{fallback}list");
        await using var client = await primary.ConnectAsync();
        Assert.Equal($":{Elements}\r\n", await client.CallAsync(["RPUSH", "{fallback}list", .. Enumerable.Range(0, Elements).Select(i => $"e{i}")]));
        await WaitForCopiesAsync("{fallback}list", "LLEN", $":{Elements}\r\n");

        // Both replicas lose their copy: the write needs one of them, so it waits for a full value.
        foreach (var replica in replicas)
        {
            using (replica.Server.Keys.Enter())
            {
                replica.Server.Keys.Forget("{fallback}list"u8);
            }
        }

        var fallbacks = primary.Server.Replication!.Stats.Traffic.Fallbacks;
        Assert.Equal($":{Elements + 1}\r\n", await client.CallAsync("RPUSH", "{fallback}list", "last"));
        await TestCluster.WaitUntilAsync(() => primary.Server.Replication.Stats.Traffic.Fallbacks == fallbacks + 2, "a fallback to each replica");
        await WaitForCopiesAsync("{fallback}list", "LLEN", $":{Elements + 1}\r\n");
        await AssertCopiesEqualAsync("{fallback}list", "LRANGE", "0", "-1");
    }

    [Fact]
    public async Task Large_sets_and_sorted_sets_replicate_by_change_random_pops_as_the_members_they_popped()
    {
        var (primary, _) = Owners("{types}set");
        await using var client = await primary.ConnectAsync();
        Assert.Equal($":{Elements}\r\n", await client.CallAsync(["SADD", "{types}set", .. Enumerable.Range(0, Elements).Select(i => $"m{i}")]));
        Assert.Equal($":{Elements}\r\n", await client.CallAsync(["ZADD", "{types}zset", .. Enumerable.Range(0, Elements).SelectMany(i => new[] { $"{i % 97}", $"m{i}" })]));
        var traffic = primary.Server.Replication!.Stats.Traffic;
        var deltas = traffic.Deltas;
        var full = traffic.FullEntries;

        Assert.Equal(":1\r\n", await client.CallAsync("SADD", "{types}set", "new"));
        Assert.Equal(":1\r\n", await client.CallAsync("SREM", "{types}set", "m7"));
        Assert.Equal(":1\r\n", await client.CallAsync("ZADD", "{types}zset", "3.25", "new"));
        Assert.Equal("$4\r\n6.25\r\n", await client.CallAsync("ZINCRBY", "{types}zset", "3", "new"));
        Assert.StartsWith("*2\r\n", await client.CallAsync("ZPOPMIN", "{types}zset"), StringComparison.Ordinal);
        Assert.Equal(":206\r\n", await client.CallAsync("ZREMRANGEBYSCORE", "{types}zset", "(95", "96"));
        Assert.Equal(2 * 6, traffic.Deltas - deltas);   // two replicas each
        Assert.Equal(full, traffic.FullEntries);

        // SPOP is random: it goes as the SREM of what it popped. EXEC goes whole.
        Assert.StartsWith("$", await client.CallAsync("SPOP", "{types}set"), StringComparison.Ordinal);
        Assert.StartsWith("*3\r\n", await client.CallAsync("SPOP", "{types}set", "3"), StringComparison.Ordinal);
        Assert.Equal(2 * 8, traffic.Deltas - deltas);
        Assert.Equal(full, traffic.FullEntries);
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SADD", "{types}set", "in-exec"));
        Assert.Equal("*1\r\n:1\r\n", await client.CallAsync("EXEC"));
        Assert.Equal(full + 2, traffic.FullEntries);

        await WaitForCopiesAsync("{types}set", "SCARD", $":{Elements - 3}\r\n");
        await AssertCopiesEqualAsync("{types}set", "SMEMBERS");
        await AssertCopiesEqualAsync("{types}zset", "ZRANGE", "0", "-1", "WITHSCORES");
    }

    private (TestNode Primary, TestNode[] Replicas) Owners(string key)
    {
        var slot = HashSlot.ForKey(Encoding.UTF8.GetBytes(key));
        var primary = _nodes.Single(n => n.Server.Cluster!.Ring.PrimaryOf(slot)!.Id == n.Server.Cluster.Gossip.Name);
        return (primary, [.. _nodes.Where(n => n != primary)]);
    }

    private async Task WaitForCopiesAsync(string key, string command, string expected)
    {
        foreach (var node in _nodes)
        {
            await using var local = await node.ConnectAsync();
            Assert.Equal("+OK\r\n", await local.CallAsync("READONLY"));
            var last = "";
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while ((last = await local.CallAsync(command, key)) != expected)
            {
                Assert.False(timeout.IsCancellationRequested, $"{node.Endpoint}: {command} {key} is {last}, not {expected}");
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    // Each node's own copy (READONLY), same reply and same version; a set's members in any order.
    private async Task AssertCopiesEqualAsync(string key, string command, params string[] args)
    {
        var replies = new List<string>();
        var versions = new List<Cache.Node.Storage.EntryVersion>();
        foreach (var node in _nodes)
        {
            await using var local = await node.ConnectAsync();
            Assert.Equal("+OK\r\n", await local.CallAsync("READONLY"));
            var reply = await local.CallAsync([command, key, .. args]);
            replies.Add(command == "SMEMBERS" ? string.Join("\n", reply.Split("\r\n").Order(StringComparer.Ordinal)) : reply);
            using (node.Server.Keys.Enter())
            {
                Assert.True(node.Server.Keys.TryPeek(Encoding.UTF8.GetBytes(key), out var header, out _));
                versions.Add(header.Version);
            }
        }

        Assert.Single(replies.Distinct());
        Assert.Single(versions.Distinct());
    }
}
