using System.Text;
using Cache.Gossip;
using Cache.Gossip.Ring;
using Cache.Gossip.Wire;
using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Cluster;

/// <summary>Three nodes in this process, joined by gossip over real loopback sockets.</summary>
public sealed class GossipMembershipTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync() => _nodes.AddRange(await TestCluster.StartAsync(3));

    public Task DisposeAsync() => TestCluster.StopAsync(_nodes);

    [Fact]
    public async Task Cluster_nodes_lists_every_member_once_with_myself_and_all_slots()
    {
        await using var client = await _nodes[1].ConnectAsync();
        var reply = await client.CallAsync("CLUSTER", "NODES");
        var body = reply[(reply.IndexOf("\r\n", StringComparison.Ordinal) + 2)..^2];
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);

        var myself = Assert.Single(lines, l => l.Split(' ')[2].StartsWith("myself,", StringComparison.Ordinal));
        Assert.Contains($"127.0.0.1:{_nodes[1].Port}@", myself, StringComparison.Ordinal);
        var myId = await client.CallAsync("CLUSTER", "MYID");
        Assert.Equal($"$40\r\n{myself.Split(' ')[0]}\r\n", myId);

        var slots = new bool[HashSlot.Count];
        foreach (var line in lines)
        {
            var fields = line.Split(' ');
            Assert.Equal("connected", fields[7]);
            foreach (var range in fields.Skip(8))
            {
                var parts = range.Split('-');
                var from = int.Parse(parts[0]);
                var to = parts.Length > 1 ? int.Parse(parts[1]) : from;
                for (var s = from; s <= to; s++)
                {
                    Assert.False(slots[s], $"slot {s} listed twice");
                    slots[s] = true;
                }
            }
        }

        Assert.All(slots, Assert.True);
    }

    [Fact]
    public async Task Info_gossip_reports_the_membership()
    {
        await using var client = await _nodes[2].ConnectAsync();
        var info = await client.CallAsync("INFO", "gossip");
        Assert.Contains("# Gossip\r\n", info, StringComparison.Ordinal);
        Assert.Contains("gossip_enabled:1\r\n", info, StringComparison.Ordinal);
        Assert.Contains("gossip_members_alive:3\r\n", info, StringComparison.Ordinal);
        Assert.Contains("gossip_members_dead:0\r\n", info, StringComparison.Ordinal);
        // This node joined through the seed: at least that state exchange went out over TCP.
        Assert.Matches(@"gossip_streams_out:[1-9]\d*\r\n", info);
    }

    [Fact]
    public async Task A_cluster_aware_client_puts_each_key_on_its_primary()
    {
        var options = ConfigurationOptions.Parse(_nodes[0].Endpoint);
        options.AbortOnConnectFail = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        for (var i = 0; i < 60; i++)
        {
            await db.StringSetAsync($"key:{i}", i);
        }

        // Routed by slot from CLUSTER NODES, so no node had to forward anything.
        Assert.All(_nodes, n => Assert.Equal(0, n.Server.Replication!.Stats.Forwarded));
        Assert.Equal("42", (string?)await db.StringGetAsync("key:42"));
    }

    [Fact]
    public async Task A_key_this_node_does_not_own_gets_moved_to_its_owner()
    {
        var ring = _nodes[0].Server.Cluster!.Ring;
        var slot = HashSlot.ForKey("foo"u8);
        var owner = _nodes.Single(n => n.Server.Cluster!.Gossip.Name == ring.PrimaryOf(slot)!.Id);
        var other = _nodes.First(n => n != owner);

        await using var wrong = await other.ConnectAsync();
        // Cluster-aware from its first CLUSTER command on; plain clients are forwarded instead.
        await wrong.CallAsync("CLUSTER", "MYID");
        Assert.Equal($"-MOVED {slot} 127.0.0.1:{owner.Port}\r\n", await wrong.CallAsync("SET", "foo", "bar"));
        Assert.Equal($"-MOVED {slot} 127.0.0.1:{owner.Port}\r\n", await wrong.CallAsync("GET", "foo"));
        Assert.Equal(":0\r\n", await wrong.CallAsync("DBSIZE"));

        await using var right = await owner.ConnectAsync();
        await right.CallAsync("CLUSTER", "MYID");
        Assert.Equal("+OK\r\n", await right.CallAsync("SET", "foo", "bar"));
        Assert.Equal("$3\r\nbar\r\n", await right.CallAsync("GET", "foo"));
        Assert.Equal($":{slot}\r\n", await right.CallAsync("CLUSTER", "KEYSLOT", "foo"));

        // Keys of one command must share a slot (hash tags make them), as in Redis Cluster.
        Assert.Equal("-CROSSSLOT Keys in request don't hash to the same slot\r\n", await right.CallAsync("MSET", "foo", "1", "bar", "2"));
        var tagged = _nodes.Single(n => n.Server.Cluster!.Gossip.Name == ring.PrimaryOf(HashSlot.ForKey("{user}:a"u8))!.Id);
        await using var tagClient = await tagged.ConnectAsync();
        await tagClient.CallAsync("CLUSTER", "MYID");
        Assert.Equal("+OK\r\n", await tagClient.CallAsync("MSET", "{user}:a", "1", "{user}:b", "2"));

        // Inside MULTI a misrouted command aborts the transaction.
        Assert.Equal("+OK\r\n", await wrong.CallAsync("MULTI"));
        Assert.StartsWith("-MOVED ", await wrong.CallAsync("SET", "foo", "x"), StringComparison.Ordinal);
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", await wrong.CallAsync("EXEC"));
        Assert.Equal("$3\r\nbar\r\n", await right.CallAsync("GET", "foo"));
    }

    [Fact]
    public async Task Cluster_slots_maps_every_slot_once_to_its_primary()
    {
        // About 10,000 spread-out ranges (~800 KB): a busy machine needs more than the default 5 s to parse them.
        await using var connection = await Cache.Client.Resp.RespConnection.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _nodes[1].Port),
            new Cache.Client.Resp.RespConnectionOptions { CommandTimeout = TimeSpan.FromSeconds(30) });
        var reply = await connection.ExecuteAsync(["CLUSTER", "SLOTS"]);
        var ring = _nodes[1].Server.Cluster!.Ring;
        var ports = _nodes.ToDictionary(n => n.Port, n => n.Server.Cluster!.Gossip.Name);
        var covered = new bool[HashSlot.Count];
        foreach (var range in reply.Items!)
        {
            var start = (int)range.Items![0].Integer;
            var end = (int)range.Items[1].Integer;
            var owner = ports[(int)range.Items[2].Items![1].Integer];
            Assert.Equal("127.0.0.1", range.Items[2].Items![0].Text);
            for (var slot = start; slot <= end; slot++)
            {
                Assert.False(covered[slot], $"slot {slot} twice");
                covered[slot] = true;
                Assert.Equal(ring.PrimaryOf(slot)!.Id, owner);
            }
        }

        Assert.All(covered, Assert.True);
    }

    [Fact]
    public async Task Cluster_info_and_info_say_cluster()
    {
        await using var client = await _nodes[0].ConnectAsync();
        var info = await client.CallAsync("CLUSTER", "INFO");
        Assert.Contains("cluster_state:ok\r\n", info, StringComparison.Ordinal);
        Assert.Contains("cluster_size:3\r\n", info, StringComparison.Ordinal);
        Assert.Contains("cluster_enabled:1\r\n", await client.CallAsync("INFO", "cluster"), StringComparison.Ordinal);
        Assert.Contains("redis_mode:cluster\r\n", await client.CallAsync("INFO", "server"), StringComparison.Ordinal);
        Assert.StartsWith("*", await client.CallAsync("CLUSTER", "HELP"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_that_leaves_is_seen_as_gone_by_the_others()
    {
        var leaver = _nodes[2];
        var name = leaver.Server.Cluster!.Gossip.Name;
        _nodes.RemoveAt(2);
        await leaver.DisposeAsync();

        foreach (var node in _nodes)
        {
            await MembershipWait.UntilAsync(node.Server.Cluster!.Gossip,
                m => m[name]?.State is MemberState.Left or MemberState.Dead, Timeout, $"seeing {name} leave");
        }

        await using var client = await _nodes[0].ConnectAsync();
        var nodes = await client.CallAsync("CLUSTER", "NODES");
        Assert.Contains("master,fail - ", nodes, StringComparison.Ordinal);
    }
}
