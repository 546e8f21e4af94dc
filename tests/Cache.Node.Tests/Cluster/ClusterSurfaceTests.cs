using System.Net;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>CLUSTER SLOTS, SHARDS, COUNTKEYSINSLOT, GETKEYSINSLOT and RING against three in-process nodes.</summary>
public sealed class ClusterSurfaceTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private readonly List<TestNode> _nodes = cluster.Nodes;

    // Our slots are spread out, so CLUSTER SLOTS is about 10,000 ranges (~800 KB): allow a busy machine time to parse it.
    private ValueTask<RespConnection> ConnectAsync(TestNode node) =>
        RespConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, node.Port), new RespConnectionOptions { CommandTimeout = TimeSpan.FromSeconds(30) });

    private string NameOfPort(long port) => _nodes.Single(n => n.Port == port).Server.Cluster!.Gossip.Name;

    [Fact]
    public async Task Cluster_slots_lists_each_range_with_its_owners_as_ip_port_id_and_an_empty_map()
    {
        await using var connection = await ConnectAsync(_nodes[2]);
        var reply = (await connection.ExecuteAsync(["CLUSTER", "SLOTS"])).ThrowIfError();
        var ring = _nodes[2].Server.Cluster!.Ring;
        var covered = new bool[HashSlot.Count];
        var previousEnd = -1;
        foreach (var range in reply.Items!)
        {
            var start = (int)range.Items![0].Integer;
            var end = (int)range.Items[1].Integer;
            Assert.Equal(previousEnd + 1, start);
            previousEnd = end;
            Assert.Equal(2 + ring.Replicas, range.Items.Count);
            var owners = range.Items.Skip(2).Select(n =>
            {
                Assert.Equal(4, n.Items!.Count);
                Assert.Equal("127.0.0.1", n.Items[0].Text);
                Assert.Empty(n.Items[3].Items!);
                var name = NameOfPort(n.Items[1].Integer);
                Assert.Equal(ClusterMembership.IdOf(name), n.Items[2].Text);
                return name;
            }).ToArray();
            for (var slot = start; slot <= end; slot++)
            {
                covered[slot] = true;
                Assert.Equal(ring.OwnersOf(slot).Select(o => o.Id), owners);
            }
        }

        Assert.Equal(HashSlot.Count - 1, previousEnd);
        Assert.All(covered, Assert.True);
    }

    [Fact]
    public async Task Cluster_shards_gives_each_member_one_shard_of_the_slots_it_is_primary_for()
    {
        await using var connection = await ConnectAsync(_nodes[0]);
        var reply = (await connection.ExecuteAsync(["CLUSTER", "SHARDS"])).ThrowIfError();
        var ring = _nodes[0].Server.Cluster!.Ring;
        Assert.Equal(3, reply.Items!.Count);
        var covered = 0;
        var ids = new HashSet<string>();
        foreach (var shard in reply.Items)
        {
            var fields = Pairs(shard);
            Assert.Equal(["slots", "nodes"], fields.Keys);
            var node = Pairs(Assert.Single(fields["nodes"].Items!));
            Assert.Equal(["id", "port", "ip", "endpoint", "role", "replication-offset", "health"], node.Keys);
            Assert.Equal("master", node["role"].Text);
            Assert.Equal("online", node["health"].Text);
            Assert.Equal("127.0.0.1", node["ip"].Text);
            Assert.Equal("127.0.0.1", node["endpoint"].Text);
            var name = NameOfPort(node["port"].Integer);
            Assert.Equal(ClusterMembership.IdOf(name), node["id"].Text);
            Assert.True(ids.Add(name));

            var bounds = fields["slots"].Items!.Select(i => (int)i.Integer).ToArray();
            Assert.NotEmpty(bounds);
            for (var i = 0; i < bounds.Length; i += 2)
            {
                for (var slot = bounds[i]; slot <= bounds[i + 1]; slot++)
                {
                    Assert.Equal(name, ring.PrimaryOf(slot)!.Id);
                    covered++;
                }
            }
        }

        Assert.Equal(HashSlot.Count, covered);
    }

    [Fact]
    public async Task Countkeysinslot_and_getkeysinslot_see_this_nodes_keys_of_a_slot_with_redis_errors()
    {
        var slot = HashSlot.ForKey("{acct}"u8);
        var owner = _nodes.Single(n => n.Server.Cluster!.Gossip.Name == n.Server.Cluster.Ring.PrimaryOf(slot)!.Id);
        await using var client = await owner.ConnectAsync();
        foreach (var key in new[] { "{acct}1", "{acct}2", "{acct}3" })
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", key, "v"));
        }

        var s = slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(":3\r\n", await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", s));
        var three = await client.CallAsync("CLUSTER", "GETKEYSINSLOT", s, "10");
        Assert.StartsWith("*3\r\n", three, StringComparison.Ordinal);
        Assert.Contains("$7\r\n{acct}2\r\n", three, StringComparison.Ordinal);
        Assert.StartsWith("*2\r\n", await client.CallAsync("CLUSTER", "GETKEYSINSLOT", s, "2"), StringComparison.Ordinal);
        Assert.Equal("*0\r\n", await client.CallAsync("CLUSTER", "GETKEYSINSLOT", s, "0"));

        // Redis 7.0.15's replies, byte for byte.
        Assert.Equal("-ERR Invalid slot\r\n", await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", "16384"));
        Assert.Equal("-ERR Invalid slot\r\n", await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await client.CallAsync("CLUSTER", "COUNTKEYSINSLOT", "abc"));
        Assert.Equal("-ERR Invalid slot or number of keys\r\n", await client.CallAsync("CLUSTER", "GETKEYSINSLOT", "16384", "1"));
        Assert.Equal("-ERR Invalid slot or number of keys\r\n", await client.CallAsync("CLUSTER", "GETKEYSINSLOT", "1", "-1"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await client.CallAsync("CLUSTER", "GETKEYSINSLOT", "-5", "abc"));
        Assert.Equal("-ERR wrong number of arguments for 'cluster|getkeysinslot' command\r\n", await client.CallAsync("CLUSTER", "GETKEYSINSLOT", "1"));
    }

    [Fact]
    public async Task Cluster_ring_lets_a_client_rebuild_the_same_slot_map()
    {
        await using var connection = await ConnectAsync(_nodes[1]);
        var reply = (await connection.ExecuteAsync(["CLUSTER", "RING"])).ThrowIfError();
        Assert.Equal(3, reply.Items!.Count);
        var hash = reply.Items[0].Text!;
        Assert.Matches("^[0-9a-f]{16}$", hash);
        var replicas = (int)reply.Items[1].Integer;
        var members = reply.Items[2].Items!;
        Assert.Equal(3, members.Count);
        foreach (var member in members)
        {
            var port = int.Parse(member.Items![1].Text!.Split(':')[1]);
            Assert.Equal($"127.0.0.1:{port}", member.Items[1].Text);
            Assert.Equal(NameOfPort(port), member.Items[0].Text);
            Assert.Equal(1, member.Items[2].Integer);
            Assert.Equal("", member.Items[3].Text);
        }

        var rebuilt = SlotMap.Build(members.Select(m => new RingNode(m.Items![0].Text!, (int)m.Items[2].Integer, m.Items[3].Text is { Length: > 0 } zone ? zone : null)), replicas);
        Assert.Equal(hash, rebuilt.Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        var ring = _nodes[1].Server.Cluster!.Ring;
        Assert.Equal(ring.Hash, rebuilt.Hash);
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            Assert.Equal(ring.PrimaryOf(slot)!.Id, rebuilt.PrimaryOf(slot)!.Id);
        }
    }

    [Fact]
    public async Task Readonly_readwrite_help_and_command_docs_know_the_new_commands()
    {
        await using var client = await _nodes[0].ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("READONLY"));
        Assert.Equal("+OK\r\n", await client.CallAsync("READWRITE"));
        Assert.Equal("-ERR wrong number of arguments for 'readonly' command\r\n", await client.CallAsync("READONLY", "x"));
        var help = await client.CallAsync("CLUSTER", "HELP");
        foreach (var sub in new[] { "COUNTKEYSINSLOT", "GETKEYSINSLOT", "RING", "SHARDS", "SLOTS" })
        {
            Assert.Contains($"+{sub}", help, StringComparison.Ordinal);
        }

        Assert.Contains("cluster|shards", await client.CallAsync("COMMAND", "DOCS", "cluster"), StringComparison.Ordinal);
        Assert.Contains("@connection", await client.CallAsync("COMMAND", "INFO", "readonly"), StringComparison.Ordinal);
        Assert.Contains("cluster_enabled:1\r\n", await client.CallAsync("INFO", "cluster"), StringComparison.Ordinal);
    }

    [Fact]
    public void Topology_commands_and_readonly_mark_the_client_cluster_aware_and_readwrite_clears_replica_reads()
    {
        var server = _nodes[0].Server;
        foreach (var command in new[] { new[] { "CLUSTER", "NODES" }, ["CLUSTER", "SLOTS"], ["CLUSTER", "SHARDS"], ["CLUSTER", "RING"], ["CLUSTER", "MYID"] })
        {
            var (client, _) = Session(server);
            Assert.False(client.Connection.ClusterAware);
            Run(client, command);
            Assert.True(client.Connection.ClusterAware, string.Join(' ', command));
            Assert.False(client.Connection.ReadFromReplica);
        }

        // What a person asks from plain redis-cli keeps its commands forwarded.
        foreach (var command in new[] { new[] { "CLUSTER", "INFO" }, ["CLUSTER", "HELP"], ["CLUSTER", "KEYSLOT", "k"], ["CLUSTER", "COUNTKEYSINSLOT", "1"], ["CLUSTER", "GETKEYSINSLOT", "1", "1"] })
        {
            var (client, _) = Session(server);
            Run(client, command);
            Assert.False(client.Connection.ClusterAware, string.Join(' ', command));
        }

        var (session, output) = Session(server);
        Run(session, "READONLY");
        Assert.True(session.Connection.ClusterAware);
        Assert.True(session.Connection.ReadFromReplica);
        Run(session, "READWRITE");
        Assert.True(session.Connection.ClusterAware);
        Assert.False(session.Connection.ReadFromReplica);
        Assert.Equal("+OK\r\n+OK\r\n", System.Text.Encoding.ASCII.GetString(output.WrittenSpan));

        var (plain, _) = Session(server);
        Run(plain, "PING");
        Assert.False(plain.Connection.ClusterAware);
    }

    [Fact]
    public void Without_a_cluster_the_cluster_commands_say_cluster_support_is_disabled()
    {
        var server = new Cache.Node.Commands.CacheServer(Cache.Node.Configuration.NodeSettings.From(new Cache.Node.Configuration.NodeOptions()), TimeProvider.System);
        foreach (var command in new[] { new[] { "READONLY" }, ["READWRITE"], ["CLUSTER", "SHARDS"], ["CLUSTER", "RING"], ["CLUSTER", "COUNTKEYSINSLOT", "1"] })
        {
            var (client, output) = Session(server);
            Run(client, command);
            Assert.Equal("-ERR This instance has cluster support disabled\r\n", System.Text.Encoding.ASCII.GetString(output.WrittenSpan));
            Assert.False(client.Connection.ReadFromReplica);
        }
    }

    private static (Cache.Node.Commands.ClientSession Client, System.Buffers.ArrayBufferWriter<byte> Output) Session(Cache.Node.Commands.CacheServer server)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        return (new Cache.Node.Commands.ClientSession(server, output, "127.0.0.1:50000", "127.0.0.1:6379", isLoopback: true), output);
    }

    private static void Run(Cache.Node.Commands.ClientSession client, params string[] args)
    {
        var data = new List<byte>();
        var ranges = new List<Cache.Node.Resp.ArgRange>();
        foreach (var arg in args)
        {
            ranges.Add(new(data.Count, arg.Length));
            data.AddRange(System.Text.Encoding.ASCII.GetBytes(arg));
        }

        using (client.Keys.Enter())
        {
            client.Execute(new Cache.Node.Resp.QueuedRequest([.. data], [.. ranges]).AsRequest());
        }
    }

    // A RESP2 map: alternating field names and values.
    private static Dictionary<string, RespReply> Pairs(RespReply map)
    {
        var pairs = new Dictionary<string, RespReply>();
        for (var i = 0; i < map.Items!.Count; i += 2)
        {
            pairs.Add(map.Items[i].Text!, map.Items[i + 1]);
        }

        return pairs;
    }
}
