using Cache.Gossip.Ring;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Three nodes in this process with the default three copies: writes through any node reach every
/// owner, plain clients are forwarded, cluster-aware clients are redirected.
/// </summary>
public sealed class ReplicationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes.AddRange(await TestCluster.StartAsync(3));

    public Task DisposeAsync() => TestCluster.StopAsync(_nodes);

    [Fact]
    public async Task A_pipeline_of_writes_through_one_node_reads_back_through_every_other_in_order()
    {
        await using var writer = await _nodes[0].ConnectAsync();
        const int Keys = 300;
        for (var i = 0; i < Keys; i++)
        {
            await writer.SendAsync("SET", $"key:{i}", $"value:{i}");
        }

        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal("+OK\r\n", await writer.ReadReplyAsync());
        }

        foreach (var node in _nodes.Skip(1))
        {
            await using var reader = await node.ConnectAsync();
            for (var i = 0; i < Keys; i++)
            {
                await reader.SendAsync("GET", $"key:{i}");
            }

            for (var i = 0; i < Keys; i++)
            {
                var expected = $"value:{i}";
                Assert.Equal($"${expected.Length}\r\n{expected}\r\n", await reader.ReadReplyAsync());
            }
        }
    }

    [Fact]
    public async Task Every_key_gets_a_copy_on_each_of_its_owners()
    {
        await using var client = await _nodes[1].ConnectAsync();
        const int Keys = 200;
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"copies:{i}", "x"));
        }

        // The quorum is two of three; the third copy may land just after the reply.
        foreach (var node in _nodes)
        {
            await TestCluster.WaitUntilAsync(() => CountLocal(node, "copies:") == Keys, $"{node.Endpoint} holding all {Keys} keys");
        }
    }

    [Fact]
    public async Task A_delete_reaches_every_copy()
    {
        await using var client = await _nodes[2].ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "doomed", "1"));
        foreach (var node in _nodes)
        {
            await TestCluster.WaitUntilAsync(() => CountLocal(node, "doomed") == 1, "the key on every node");
        }

        Assert.Equal(":1\r\n", await client.CallAsync("DEL", "doomed"));
        foreach (var node in _nodes)
        {
            await TestCluster.WaitUntilAsync(() => CountLocal(node, "doomed") == 0, "the delete on every node");
        }

        await using var other = await _nodes[0].ConnectAsync();
        Assert.Equal("$-1\r\n", await other.CallAsync("GET", "doomed"));
    }

    [Fact]
    public async Task A_cluster_aware_client_is_redirected_and_a_plain_one_forwarded()
    {
        var (key, owner, other) = KeyOwnedElsewhere("redirected");
        await using var plain = await other.ConnectAsync();
        Assert.Equal("+OK\r\n", await plain.CallAsync("SET", key, "v"));
        Assert.Equal("$1\r\nv\r\n", await plain.CallAsync("GET", key));

        await using var aware = await other.ConnectAsync();
        await aware.CallAsync("CLUSTER", "MYID");
        Assert.Equal($"-MOVED {HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes(key))} {owner.Endpoint}\r\n", await aware.CallAsync("GET", key));
    }

    [Fact]
    public async Task A_transaction_on_keys_another_node_owns_runs_there_whole()
    {
        var (key, _, other) = KeyOwnedElsewhere("{tx}counter");
        await using var client = await other.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", key, "10"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("INCRBY", key, "5"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("GET", "{tx}other"));
        Assert.Equal("*3\r\n+OK\r\n:15\r\n$-1\r\n", await client.CallAsync("EXEC"));
        Assert.Equal("$2\r\n15\r\n", await client.CallAsync("GET", key));
    }

    [Fact]
    public async Task Multi_key_commands_of_a_plain_client_are_split_by_owner_and_merged()
    {
        var keys = Enumerable.Range(0, 12).Select(i => $"split:{i}").ToArray();
        var owners = keys.Select(k => KeyOwnedElsewhere(k).Owner).Distinct().Count();
        Assert.True(owners > 1, "the keys should span several owners");
        await using var client = await _nodes[0].ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync(["MSET", .. keys.SelectMany(k => new[] { k, "v-" + k })]));
        var expected = "*13\r\n" + string.Concat(keys.Take(6).Select(k => $"${k.Length + 2}\r\nv-{k}\r\n")) + "$-1\r\n"
            + string.Concat(keys.Skip(6).Select(k => $"${k.Length + 2}\r\nv-{k}\r\n"));
        Assert.Equal(expected, await client.CallAsync(["MGET", .. keys.Take(6), "split:missing", .. keys.Skip(6)]));
        Assert.Equal(":13\r\n", await client.CallAsync(["EXISTS", .. keys, keys[0]]));
        Assert.Equal(":12\r\n", await client.CallAsync(["DEL", .. keys, "split:missing"]));
        Assert.Equal(":0\r\n", await client.CallAsync(["EXISTS", .. keys]));

        // A cluster-aware client gets Redis Cluster's answer instead.
        await client.CallAsync("CLUSTER", "MYID");
        Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot\r\n", await client.CallAsync(["MGET", .. keys]));
    }

    [Fact]
    public async Task A_node_that_joins_is_handed_the_data_of_the_slots_it_gains()
    {
        await using (var client = await _nodes[0].ConnectAsync())
        {
            for (var i = 0; i < 300; i++)
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"moving:{i}", $"{i}"));
            }
        }

        var (joiner, ring, owned) = await JoinAndWaitForHandOffAsync("moving:", 300);

        // READONLY reads the joiner's own copy, never forwarded.
        await using var local = await joiner.ConnectAsync();
        Assert.Equal("+OK\r\n", await local.CallAsync("READONLY"));
        foreach (var i in owned)
        {
            Assert.Equal($"${i.ToString().Length}\r\n{i}\r\n", await local.CallAsync("GET", $"moving:{i}"));
        }

        // The nodes that lost slots to the joiner hand their copies on and drop them: each node
        // ends up holding exactly the keys it owns.
        foreach (var node in _nodes)
        {
            var index = ring.IndexOf(node.Server.Cluster!.Gossip.Name);
            var mine = Enumerable.Range(0, 300).Count(i => ring.OwnerIndices(HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes($"moving:{i}"))).Contains(index));
            await TestCluster.WaitUntilAsync(() => CountLocal(node, "moving:") == mine, $"{node.Server.Cluster.Gossip.Name} holding only its {mine} keys");
        }
    }

    [Fact]
    public async Task Counters_incremented_on_a_new_primary_during_its_hand_off_keep_their_value()
    {
        const int Counters = 300;
        await using (var client = await _nodes[0].ConnectAsync())
        {
            for (var i = 0; i < Counters; i++)
            {
                await client.SendAsync("SET", $"counter:{i}", "100");
            }

            for (var i = 0; i < Counters; i++)
            {
                Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
            }
        }

        var joiner = await TestNode.StartAsync(o => o.Join = _nodes[0].Server.Cluster!.Gossip.Address);
        _nodes.Add(joiner);
        await MembershipWait.RingAsync(joiner.Server.Cluster!, 4, Timeout);

        // Straight away, while the joiner may still be pulling: its slots wait for the pull.
        var ring = joiner.Server.Cluster!.Ring;
        var self = joiner.Server.Cluster.IndexIn(ring);
        var led = Enumerable.Range(0, Counters).Where(i => ring.PrimaryOf(HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes($"counter:{i}")))!.Id == ring.Nodes[self].Id).ToList();
        Assert.NotEmpty(led);
        await using var local = await joiner.ConnectAsync();
        foreach (var i in led)
        {
            await local.SendAsync("INCR", $"counter:{i}");
        }

        foreach (var i in led)
        {
            Assert.Equal(":101\r\n", await local.ReadReplyAsync());
        }
    }

    /// <summary>A key, the node that is its primary, and another node (where a plain client gets forwarded).</summary>
    private (string Key, TestNode Owner, TestNode Other) KeyOwnedElsewhere(string key)
    {
        var ring = _nodes[0].Server.Cluster!.Ring;
        var primary = ring.PrimaryOf(HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes(key)))!.Id;
        var owner = _nodes.Single(n => n.Server.Cluster!.Gossip.Name == primary);
        return (key, owner, _nodes.First(n => n != owner));
    }

    [Fact]
    public async Task Hashes_replicate_and_are_handed_to_a_node_that_joins()
    {
        await using (var client = await _nodes[0].ConnectAsync())
        {
            for (var i = 0; i < 60; i++)
            {
                Assert.Equal(":2\r\n", await client.CallAsync("HSET", $"hash:{i}", "a", $"{i}", "b", "x"));
            }
        }

        var (joiner, _, owned) = await JoinAndWaitForHandOffAsync("hash:", 60);

        // The joiner's own copy (READONLY) is the whole hash, fields and values.
        await using var local = await joiner.ConnectAsync();
        Assert.Equal("+OK\r\n", await local.CallAsync("READONLY"));
        foreach (var i in owned)
        {
            Assert.Equal($"${i.ToString().Length}\r\n{i}\r\n", await local.CallAsync("HGET", $"hash:{i}", "a"));
            Assert.Equal(":2\r\n", await local.CallAsync("HLEN", $"hash:{i}"));
        }
    }

    /// <summary>
    /// Starts a fourth node and waits until it holds every key of <paramref name="prefix"/>0..
    /// <paramref name="count"/>-1 that it owns; the joiner, the ring, and the indices it owns.
    /// </summary>
    private async Task<(TestNode Joiner, Cache.Gossip.Ring.SlotMap Ring, List<int> Owned)> JoinAndWaitForHandOffAsync(string prefix, int count)
    {
        var joiner = await TestNode.StartAsync(o => o.Join = _nodes[0].Server.Cluster!.Gossip.Address);
        _nodes.Add(joiner);
        foreach (var node in _nodes)
        {
            await MembershipWait.RingAsync(node.Server.Cluster!, 4, Timeout);
        }

        var ring = joiner.Server.Cluster!.Ring;
        var self = joiner.Server.Cluster.IndexIn(ring);
        var owned = Enumerable.Range(0, count).Where(i => ring.OwnerIndices(HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes($"{prefix}{i}"))).Contains(self)).ToList();
        Assert.NotEmpty(owned);
        await TestCluster.WaitUntilAsync(() => CountLocal(joiner, prefix) == owned.Count, $"the joiner holding its {owned.Count} {prefix} keys");
        return (joiner, ring, owned);
    }

    private static int CountLocal(TestNode node, string prefix)
    {
        var keys = node.Server.Keys;
        using (keys.Enter())
        {
            var found = new List<byte[]>();
            keys.CollectKeys(k => System.Text.Encoding.UTF8.GetString(k).StartsWith(prefix, StringComparison.Ordinal), found);
            return found.Count;
        }
    }
}
