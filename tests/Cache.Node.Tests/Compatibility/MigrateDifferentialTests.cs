using System.Globalization;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>Two more redis-servers for MIGRATE to move keys to: one for our node's script, one for redis-server's.</summary>
public sealed class MigrateTargets : IAsyncLifetime
{
    public RedisServerProcess ForNode { get; private set; } = null!;

    public RedisServerProcess ForRedis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        ForNode = await RedisServerProcess.StartAsync();
        ForRedis = await RedisServerProcess.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await ForNode.DisposeAsync();
        await ForRedis.DisposeAsync();
    }
}

/// <summary>
/// MIGRATE against redis-server: the same script run on our node (moving keys to one
/// redis-server) and on redis-server (moving them to another) gives the same replies, leaves the
/// same keys on both sides, propagates the same DEL and raises the same events; and keys
/// migrated from redis-server to our node read back as they were.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class MigrateDifferentialTests(DifferentialFixture redis, MigrateTargets targets) : IClassFixture<MigrateTargets>
{
    private const string EndKey = "zz-end-of-script";

    // Every type, one with a TTL; "{T}" is the target's port.
    private static readonly string[] Setup =
    [
        "SET s v", "SET n 12345", "RPUSH l a b c", "SADD set x y 1", "ZADD z 1.5 m 2 n", "HSET h f v g w", "SET ttl v EX 1000",
        "XADD st 1-1 a 1", "SET keep v", "SET busy mine", "SET big " + new string('x', 100_000),
    ];

    private static readonly string[] Reads =
    [
        "GET s", "GET n", "LRANGE l 0 -1", "SMEMBERS set", "ZRANGE z 0 -1 WITHSCORES", "HGETALL h", "GET ttl", "TTL ttl",
        "XRANGE st - +", "GET keep", "GET busy", "STRLEN big", "DBSIZE",
    ];

    [Fact]
    public async Task Our_node_migrating_to_redis_server_answers_and_leaves_what_redis_server_does()
    {
        string[] script =
        [
            "MIGRATE 127.0.0.1 {T} s 0 5000", "MIGRATE 127.0.0.1 {T} s 0 5000", "MIGRATE 127.0.0.1 {T} nokey 0 5000",
            "MIGRATE 127.0.0.1 {T} n 0 5000 COPY", "MIGRATE 127.0.0.1 {T} n 0 5000 COPY", "MIGRATE 127.0.0.1 {T} n 0 5000 COPY REPLACE",
            "MIGRATE 127.0.0.1 {T} busy 0 5000", "MIGRATE 127.0.0.1 {T} busy 0 5000 REPLACE COPY",
            "MIGRATE 127.0.0.1 {T} \"\" 0 5000 KEYS l set nokey z h ttl st big", "MIGRATE 127.0.0.1 {T} \"\" 0 5000 KEYS nokey other",
            "MIGRATE 127.0.0.1 {T} keep 0 5000 AUTH secret", "MIGRATE 127.0.0.1 {T} keep 0 5000 AUTH2 user secret",
            "MIGRATE 127.0.0.1 {T} keep 99 5000", "MIGRATE 127.0.0.1 {T} keep 0 5000 KEYS keep", "MIGRATE 127.0.0.1 {T} \"\" 0 5000 KEYS",
            "MIGRATE 127.0.0.1 {T} keep 0 5000 FOO", "MIGRATE 127.0.0.1 {T} keep 0 5000 AUTH", "MIGRATE 127.0.0.1 {T} keep 0 5000 AUTH2 user",
            "MIGRATE 127.0.0.1 {T} keep x 5000", "MIGRATE 127.0.0.1 {T} keep 0 x", "MIGRATE 127.0.0.1 {T} keep 0 0 COPY",
            "MIGRATE 127.0.0.1 {T} keep 0", "MIGRATE 127.0.0.1 1 keep 0 1000", "MIGRATE 127.0.0.1 1 nokey 0 1000",
            "COMMAND GETKEYS MIGRATE h 1 k 0 5", "COMMAND GETKEYS MIGRATE h 1 \"\" 0 5 COPY KEYS a b", "COMMAND GETKEYS MIGRATE h 1 k 0 5 KEYS a b",
            "COMMAND GETKEYS MIGRATE h 1 \"\" 0 5 AUTH KEYS a",
        ];
        var ours = await RunAsync(redis.Node.Port, targets.ForNode.Port, script);
        var theirs = await RunAsync(redis.Redis.Port, targets.ForRedis.Port, script);
        Assert.Equal(theirs.Replies, ours.Replies);
        Assert.Equal(theirs.Source, ours.Source);
        Assert.Equal(theirs.Target, ours.Target);
        Assert.Contains("+NOKEY\r\n", ours.Replies);
        Assert.Contains(ours.Replies, r => r.StartsWith("-ERR Target instance replied with error: BUSYKEY", StringComparison.Ordinal));
        // A refused connection shows at the first write, in Redis too.
        Assert.Contains("-IOERR error or timeout writing to target instance\r\n", ours.Replies);
    }

    [Fact]
    public async Task Redis_server_migrating_to_our_node_moves_every_type()
    {
        string[] keys = ["s", "n", "l", "set", "z", "h", "ttl", "st", "keep", "busy", "big"];
        await using (var source = await RespTestClient.ConnectAsync(redis.Redis.Port))
        {
            Assert.Equal("+OK\r\n", await source.CallAsync("FLUSHALL"));
            foreach (var command in Setup)
            {
                await source.CallAsync(command.Split(' '));
            }
        }

        var before = await ReadAsync(redis.Redis.Port);
        await using (var target = await redis.Node.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await target.CallAsync("FLUSHALL"));
        }

        await using (var source = await RespTestClient.ConnectAsync(redis.Redis.Port))
        {
            string[] migrate = ["MIGRATE", "127.0.0.1", Port(redis.Node.Port), "", "0", "5000", "KEYS", .. keys];
            Assert.Equal("+OK\r\n", await source.CallAsync(migrate));
            Assert.Equal(":0\r\n", await source.CallAsync("DBSIZE"));
        }

        Assert.Equal(before, await ReadAsync(redis.Node.Port));
        await using var node = await redis.Node.ConnectAsync();
        // redis-server keeps its MIGRATE connection for 10 s; the shared node's other tests list their clients.
        foreach (var line in (await node.CallAsync("CLIENT", "LIST")).Split('\n').Where(l => l.Contains("cmd=restore", StringComparison.Ordinal)))
        {
            var id = line.Split(' ').First(f => f.StartsWith("id=", StringComparison.Ordinal))["id=".Length..];
            Assert.Equal(":1\r\n", await node.CallAsync("CLIENT", "KILL", "ID", id));
        }
    }

    [Fact]
    public async Task A_migrate_without_copy_propagates_one_del_of_the_keys_moved_and_raises_del_events()
    {
        string[] script =
        [
            "MIGRATE 127.0.0.1 {T} \"\" 0 5000 KEYS s nokey l", "MIGRATE 127.0.0.1 {T} n 0 5000 COPY",
            "MIGRATE 127.0.0.1 {T} busy 0 5000", "MIGRATE 127.0.0.1 {T} ttl 0 5000 REPLACE",
        ];
        var ours = await RecordAsync(redis.Node.Port, targets.ForNode.Port, script);
        var theirs = await RecordAsync(redis.Redis.Port, targets.ForRedis.Port, script);
        Assert.Equal(theirs.Stream, ours.Stream);
        Assert.Equal(theirs.Events, ours.Events);
        Assert.Contains("DEL s l", ours.Stream);
        Assert.Contains("del s", ours.Events);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string[] Words(string command, int target) =>
        [.. command.Replace("{T}", Port(target), StringComparison.Ordinal).Split(' ').Select(w => w == "\"\"" ? "" : w)];

    private static async Task PrepareAsync(int source, int target)
    {
        await using (var client = await RespTestClient.ConnectAsync(target))
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", "busy", "theirs"));
        }

        await using var sourceClient = await RespTestClient.ConnectAsync(source);
        Assert.Equal("+OK\r\n", await sourceClient.CallAsync("FLUSHALL"));
        foreach (var command in Setup)
        {
            Assert.DoesNotContain("-", (await sourceClient.CallAsync(command.Split(' ')))[..1], StringComparison.Ordinal);
        }
    }

    private static async Task<(List<string> Replies, List<string> Source, List<string> Target)> RunAsync(int source, int target, string[] script)
    {
        await PrepareAsync(source, target);
        var replies = new List<string>();
        await using (var client = await RespTestClient.ConnectAsync(source))
        {
            foreach (var command in script)
            {
                replies.Add(await client.CallAsync(Words(command, target)));
            }
        }

        return (replies, await ReadAsync(source), await ReadAsync(target));
    }

    private static async Task<List<string>> ReadAsync(int port)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        var replies = new List<string>();
        foreach (var read in Reads)
        {
            var reply = await client.CallAsync(read.Split(' '));
            replies.Add(read.StartsWith("SMEMBERS", StringComparison.Ordinal) ? string.Join(",", reply.Split("\r\n").Order(StringComparer.Ordinal)) : reply);
        }

        return replies;
    }

    /// <summary>The script run with a SYNC client and a keyevent subscriber attached: what each received.</summary>
    private static async Task<(List<string> Stream, List<string> Events)> RecordAsync(int source, int target, string[] script)
    {
        await PrepareAsync(source, target);
        await using var client = await RespTestClient.ConnectAsync(source);
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Eg"));
        await using var events = await RespTestClient.ConnectAsync(source);
        await events.CallAsync("PSUBSCRIBE", "__keyevent@0__:*");
        await using var replica = await RespTestClient.ConnectAsync(source);
        await replica.SendAsync("SYNC");
        await replica.ReadSyncPayloadAsync();
        try
        {
            foreach (var command in script)
            {
                await client.CallAsync(Words(command, target));
            }

            await client.CallAsync("SET", EndKey, "1");
            await client.CallAsync("DEL", EndKey);
            var stream = new List<string>();
            while (ReplyWords(await replica.ReadReplyAsync()) is var args && args is not ["SET", EndKey, _])
            {
                if (args is not ["PING"] and not ["SELECT", _])
                {
                    stream.Add(string.Join(' ', args));
                }
            }

            var raised = new List<string>();
            while (ReplyWords(await events.ReadReplyAsync()) is var message && message[^1] != EndKey)
            {
                // pmessage pattern channel key: the event's name and its key.
                raised.Add($"{message[2]["__keyevent@0__:".Length..]} {message[3]}");
            }

            return (stream, raised);
        }
        finally
        {
            await client.CallAsync("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    /// <summary>An array reply's bulk strings (the test's arguments hold no CR or LF).</summary>
    private static string[] ReplyWords(string reply)
    {
        var lines = reply.Split("\r\n");
        Assert.StartsWith("*", lines[0], StringComparison.Ordinal);
        return [.. lines.Skip(2).Where((_, i) => i % 2 == 0).Take(int.Parse(lines[0].AsSpan(1), CultureInfo.InvariantCulture))];
    }
}
