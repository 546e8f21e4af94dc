using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.ReplicaOf;

/// <summary>
/// A node replicating from a real redis-server (migration): the master's keys of every type
/// arrive through the RDB payload (disk-less EOF-marked and length-prefixed), later writes
/// through the stream, the node refuses client writes, keeps serving when the master goes away,
/// and keeps the data after REPLICAOF NO ONE.
/// </summary>
public sealed class ReplicaOfMigrationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string> Transfers => new() { "diskless", "disk" };

    [Theory]
    [MemberData(nameof(Transfers))]
    public async Task Node_converges_on_a_redis_master_then_follows_its_stream(string transfer)
    {
        await using var master = await RedisServerProcess.StartAsync(transfer == "disk"
            ? ["--repl-diskless-sync", "no"]
            : ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]);
        await using var node = await TestNode.StartAsync();
        await using var redis = await master.ConnectAsync();
        await using var client = await node.ConnectAsync();
        await FillAsync(redis);
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "local-only", "x"));

        Assert.Equal("+OK\r\n", await client.CallAsync("REPLICAOF", "127.0.0.1", master.Port.ToString()));
        Assert.Equal("+OK Already connected to specified master\r\n", await client.CallAsync("REPLICAOF", "127.0.0.1", master.Port.ToString()));
        await UntilAsync(client, ["ROLE"], r => r.Contains("connected\r\n", StringComparison.Ordinal), "the link to come up");

        await AssertSameDataAsync(redis, client);
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "local-only"));
        var ttl = await client.CallAsync("PTTL", "volatile");
        Assert.InRange(long.Parse(ttl.AsSpan(1, ttl.Length - 3)), 1, 100_000);

        // Writes on the master arrive, MULTI/EXEC included; the key space is the master's again.
        await redis.CallAsync("SET", "str", "changed");
        await redis.CallAsync("RPUSH", "list", "tail");
        await redis.CallAsync("DEL", "set-int");
        await redis.CallAsync("MULTI");
        await redis.CallAsync("HSET", "hash-small", "new", "field");
        await redis.CallAsync("ZINCRBY", "zset", "5", "m1");
        await redis.CallAsync("EXEC");
        await UntilAsync(client, ["HGET", "hash-small", "new"], r => r == "$5\r\nfield\r\n", "the stream to apply");
        await AssertSameDataAsync(redis, client);

        Assert.Equal("-READONLY You can't write against a read only replica.\r\n", await client.CallAsync("SET", "str", "mine"));
        var info = await client.CallAsync("INFO", "replication");
        Assert.Contains("role:slave\r\n", info, StringComparison.Ordinal);
        Assert.Contains($"master_port:{master.Port}\r\n", info, StringComparison.Ordinal);
        Assert.Contains("master_link_status:up\r\n", info, StringComparison.Ordinal);
        var theirs = await redis.CallAsync("INFO", "replication");
        Assert.Contains("connected_slaves:1\r\n", theirs, StringComparison.Ordinal);

        Assert.Equal("+OK\r\n", await client.CallAsync("REPLICAOF", "NO", "ONE"));
        Assert.Equal("$7\r\nchanged\r\n", await client.CallAsync("GET", "str"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "str", "mine"));
        Assert.StartsWith("*3\r\n$6\r\nmaster\r\n", await client.CallAsync("ROLE"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_master_that_goes_away_leaves_stale_data_or_masterdown()
    {
        var master = await RedisServerProcess.StartAsync("--repl-diskless-sync-delay", "0");
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await using (var redis = await master.ConnectAsync())
        {
            await redis.CallAsync("SET", "k", "v");
        }

        await client.CallAsync("REPLICAOF", "127.0.0.1", master.Port.ToString());
        await UntilAsync(client, ["INFO", "replication"], r => r.Contains("master_link_status:up", StringComparison.Ordinal), "the link to come up");
        await master.DisposeAsync();

        await UntilAsync(client, ["INFO", "replication"], r => r.Contains("master_link_status:down", StringComparison.Ordinal), "the link to go down");
        Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", "k"));
        Assert.Contains("master_link_down_since_seconds:", await client.CallAsync("INFO", "replication"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "replica-serve-stale-data", "no"));
        Assert.Equal("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n", await client.CallAsync("GET", "k"));
        Assert.StartsWith("$", await client.CallAsync("INFO", "replication"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await client.CallAsync("REPLICAOF", "NO", "ONE"));
        Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task A_redis_replica_of_the_node_counts_for_min_replicas_to_write()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "min-replicas-to-write", "1"));
        Assert.Equal("-NOREPLICAS Not enough good replicas to write.\r\n", await client.CallAsync("SET", "a", "1"));

        await using var replica = await RedisServerProcess.StartAsync("--replicaof", "127.0.0.1", node.Port.ToString());
        await UntilAsync(client, ["SET", "a", "1"], r => r == "+OK\r\n", "the replica to attach");
        await using var theirs = await replica.ConnectAsync();
        await UntilAsync(theirs, ["GET", "a"], r => r == "$1\r\n1\r\n", "the write to reach the replica");
        Assert.Contains("min_slaves_good_slaves:1\r\n", await client.CallAsync("INFO", "replication"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "min-replicas-to-write", "0"));
    }

    [Fact]
    public async Task A_node_of_a_several_node_cluster_refuses_replicaof()
    {
        var nodes = await TestCluster.StartAsync(2);
        try
        {
            await using var client = await nodes[0].ConnectAsync();
            var reply = await client.CallAsync("REPLICAOF", "127.0.0.1", "6379");
            Assert.StartsWith("-ERR REPLICAOF is not allowed in a GossipCache cluster of several nodes: the ring is masterless", reply, StringComparison.Ordinal);
            Assert.Equal("+OK\r\n", await client.CallAsync("REPLICAOF", "NO", "ONE"));
            Assert.StartsWith("*3\r\n$6\r\nmaster\r\n", await client.CallAsync("ROLE"), StringComparison.Ordinal);
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    private static async Task FillAsync(RespTestClient redis)
    {
        await redis.CallAsync("SET", "str", "hello");
        await redis.CallAsync("SET", "int", "12345");
        await redis.CallAsync("SET", "volatile", "soon", "PX", "100000");
        await redis.CallAsync("HSET", "hash-small", "a", "1", "b", "2");
        await redis.CallAsync("RPUSH", "list", "x", "y", "z");
        await redis.CallAsync("SADD", "set-int", "1", "2", "3");
        await redis.CallAsync("SADD", "set-str", "p", "q");
        await redis.CallAsync("ZADD", "zset", "1.5", "m1", "2", "m2");
        // Past the listpack limits: hashtable, skiplist and multi-node quicklist encodings.
        var fields = new List<string> { "HSET", "hash-big" };
        var members = new List<string> { "SADD", "set-big" };
        var scored = new List<string> { "ZADD", "zset-big" };
        var items = new List<string> { "RPUSH", "list-big" };
        for (var i = 0; i < 300; i++)
        {
            fields.AddRange([$"f{i}", new string('v', i % 80)]);
            members.Add($"member-{i}");
            scored.AddRange([(i * 0.25).ToString(System.Globalization.CultureInfo.InvariantCulture), $"m{i}"]);
            items.Add(new string('i', i % 100));
        }

        await redis.CallAsync([.. fields]);
        await redis.CallAsync([.. members]);
        await redis.CallAsync([.. scored]);
        await redis.CallAsync([.. items]);
    }

    private static readonly string[][] Reads =
    [
        ["GET", "str"], ["GET", "int"], ["GET", "volatile"], ["HGET", "hash-small", "a"], ["HLEN", "hash-big"], ["HGET", "hash-big", "f77"],
        ["LRANGE", "list", "0", "-1"], ["LRANGE", "list-big", "0", "-1"], ["SISMEMBER", "set-int", "2"], ["SCARD", "set-int"], ["SCARD", "set-str"],
        ["SCARD", "set-big"], ["SISMEMBER", "set-big", "member-123"], ["ZRANGE", "zset", "0", "-1", "WITHSCORES"], ["ZRANGE", "zset-big", "0", "-1", "WITHSCORES"],
        ["DBSIZE"],
    ];

    private static async Task AssertSameDataAsync(RespTestClient redis, RespTestClient client)
    {
        foreach (var read in Reads)
        {
            Assert.Equal(await redis.CallAsync(read), await client.CallAsync(read));
        }

        Assert.Equal(Sorted(await redis.CallAsync("HGETALL", "hash-big")), Sorted(await client.CallAsync("HGETALL", "hash-big")));
        Assert.Equal(Sorted(await redis.CallAsync("SMEMBERS", "set-str")), Sorted(await client.CallAsync("SMEMBERS", "set-str")));
    }

    private static string Sorted(string reply) => string.Join('|', reply.Split("\r\n").Order(StringComparer.Ordinal));

    private static async Task UntilAsync(RespTestClient client, string[] command, Func<string, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var last = "";
        while (!condition(last = await client.CallAsync(command)))
        {
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting for {what}; last reply: {last}");
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
