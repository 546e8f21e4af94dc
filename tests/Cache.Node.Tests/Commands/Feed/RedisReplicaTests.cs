using System.Globalization;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Feed;

/// <summary>
/// A real redis-server started with <c>--replicaof</c> the node: it loads the node's data set
/// from the RDB that SYNC/PSYNC sends, then follows the replication stream, so after writes of
/// every kind its keys read the same as the node's.
/// </summary>
public sealed class RedisReplicaTests
{
    private static readonly string[][] Reads =
    [
        ["GET", "s"], ["LRANGE", "l", "0", "-1"], ["SMEMBERS", "set"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        ["HGETALL", "h"], ["EXISTS", "ttl"], ["GET", "n"], ["GET", "f"], ["EXISTS", "gone"], ["DBSIZE"],
    ];

    [Fact]
    public async Task A_redis_server_replica_loads_the_data_set_then_follows_every_write()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        string[][] before =
        [
            ["SET", "s", "v"], ["RPUSH", "l", "a", "b", "c"], ["SADD", "set", "x", "y"], ["ZADD", "z", "1.5", "m", "2", "n"],
            ["HSET", "h", "f", "v", "g", "w"], ["SET", "ttl", "v", "EX", "1000"], ["SET", "gone", "soon"],
        ];
        foreach (var command in before)
        {
            Assert.DoesNotContain("-", (await client.CallAsync(command))[..1], StringComparison.Ordinal);
        }

        await using var replica = await RedisServerProcess.StartAsync("--replicaof", "127.0.0.1", node.Port.ToString(CultureInfo.InvariantCulture));
        await using var replicaClient = await replica.ConnectAsync();
        await WaitUntilSameAsync(client, replicaClient);

        // Writes after the snapshot arrive through the stream, rewritten as Redis propagates them.
        string[][] after =
        [
            ["INCR", "n"], ["INCRBYFLOAT", "f", "1.25"], ["LPUSH", "l", "z"], ["LPOP", "l"], ["RPOPLPUSH", "l", "l"],
            ["SREM", "set", "x"], ["ZINCRBY", "z", "3", "m"], ["HDEL", "h", "g"], ["PEXPIRE", "s", "100000"], ["DEL", "gone"],
            ["MULTI"], ["SET", "s", "w", "KEEPTTL"], ["HSET", "h", "k", "1"], ["EXEC"],
        ];
        foreach (var command in after)
        {
            await client.CallAsync(command);
        }

        await WaitUntilSameAsync(client, replicaClient);
        Assert.Contains("master_link_status:up", await replicaClient.CallAsync("INFO", "replication"), StringComparison.Ordinal);
    }

    private static async Task WaitUntilSameAsync(RespTestClient node, RespTestClient replica)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var ours = await ReadAllAsync(node);
            var theirs = await ReadAllAsync(replica);
            if (ours.SequenceEqual(theirs))
            {
                return;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(20), $"The replica did not catch up: node {string.Join(" | ", ours)}, replica {string.Join(" | ", theirs)}");
            await Task.Delay(20);
        }
    }

    private static async Task<List<string>> ReadAllAsync(RespTestClient client)
    {
        var replies = new List<string>();
        foreach (var read in Reads)
        {
            var reply = await client.CallAsync(read);
            // Redis returns set members in its own order.
            replies.Add(read[0] == "SMEMBERS" ? string.Join(",", reply.Split("\r\n").Order(StringComparer.Ordinal)) : reply);
        }

        return replies;
    }
}
