using System.Diagnostics;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The RDB file crosses between redis-server and the node both ways: a file SAVEd here passes
/// redis-check-rdb and loads in redis-server with every type (streams with their groups too) and TTL; a file redis-server saved
/// (with its compact encodings) loads into a node at start.
/// </summary>
public sealed class RdbFileDifferentialTests
{
    private static readonly string[][] Dataset =
    [
        ["SET", "str", "hello"], ["SET", "int", "12345"], ["SET", "big", new string('x', 20_000)],
        ["SET", "ttl", "soon", "EX", "1000"], ["RPUSH", "list", "a", "b", "c"], ["SADD", "ints", "1", "2", "3"],
        ["SADD", "set", "a", "b"], ["ZADD", "zset", "1.5", "a", "2", "b"], ["HSET", "hash", "f1", "v1", "f2", "v2"],
        ["XADD", "stream", "1-1", "f", "v"], ["XADD", "stream", "2-2", "f", "w", "g", "x"], ["XADD", "stream", "3-0", "f", "y"],
        ["XDEL", "stream", "2-2"], ["XGROUP", "CREATE", "stream", "grp", "0"], ["XREADGROUP", "GROUP", "grp", "c", "COUNT", "1", "STREAMS", "stream", ">"],
    ];

    private static readonly string[][] Checks =
    [
        ["GET", "str"], ["GET", "int"], ["STRLEN", "big"], ["LRANGE", "list", "0", "-1"], ["SMEMBERS", "ints"], ["SCARD", "set"],
        ["ZRANGE", "zset", "0", "-1", "WITHSCORES"], ["HGETALL", "hash"], ["DBSIZE"],
        ["XRANGE", "stream", "-", "+"], ["XINFO", "GROUPS", "stream"], ["XPENDING", "stream", "grp"],
    ];

    [Fact]
    public async Task A_file_saved_by_the_node_loads_in_redis_server_and_passes_redis_check_rdb()
    {
        var dir = Directory.CreateTempSubdirectory("gossipcache-rdb-").FullName;
        List<string> ours;
        await using (var node = await TestNode.StartAsync(o => o.Dir = dir))
        {
            await using var client = await node.ConnectAsync();
            foreach (var command in Dataset)
            {
                await client.CallAsync(command);
            }

            Assert.Equal("+OK\r\n", await client.CallAsync("SAVE"));
            ours = await Run(client, Checks);
            var file = Path.Combine(dir, "dump.rdb");
            File.Copy(file, Path.Combine(Path.GetTempPath(), $"gossipcache-check-{Environment.ProcessId}.rdb"), overwrite: true);
        }

        var copy = Path.Combine(Path.GetTempPath(), $"gossipcache-check-{Environment.ProcessId}.rdb");
        var check = await RunProcess("redis-check-rdb", copy);
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("RDB looks OK", check.Output, StringComparison.Ordinal);

        var redisDir = Directory.CreateTempSubdirectory("gossipcache-redis-").FullName;
        File.Copy(copy, Path.Combine(redisDir, "dump.rdb"));
        await using var redis = await RedisServerProcess.StartAsync("--dir", redisDir, "--dbfilename", "dump.rdb");
        await using var theirs = await redis.ConnectAsync();
        Assert.Equal(ours, await Run(theirs, Checks));
        var ttl = int.Parse((await theirs.CallAsync("TTL", "ttl")).Trim(':', '\r', '\n'), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(ttl, 990, 1000);
    }

    [Fact]
    public async Task A_file_saved_by_redis_server_loads_into_a_node_at_start()
    {
        var redisDir = Directory.CreateTempSubdirectory("gossipcache-redis-").FullName;
        List<string> theirs;
        await using (var redis = await RedisServerProcess.StartAsync("--dir", redisDir, "--dbfilename", "dump.rdb"))
        {
            await using var client = await redis.ConnectAsync();
            foreach (var command in Dataset)
            {
                await client.CallAsync(command);
            }

            Assert.Equal("+OK\r\n", await client.CallAsync("SAVE"));
            theirs = await Run(client, Checks);
        }

        var dir = Directory.CreateTempSubdirectory("gossipcache-rdb-").FullName;
        File.Copy(Path.Combine(redisDir, "dump.rdb"), Path.Combine(dir, "dump.rdb"));
        await using var node = await TestNode.StartAsync(o => o.Dir = dir);
        await using var ours = await node.ConnectAsync();
        Assert.Equal(theirs, await Run(ours, Checks));
        Assert.Matches(@"^:(99\d|1000)\r\n$", await ours.CallAsync("TTL", "ttl"));
        Assert.Contains("rdb_last_load_keys_loaded:10", await ours.CallAsync("INFO", "persistence"), StringComparison.Ordinal);
    }

    private static async Task<List<string>> Run(RespTestClient client, string[][] commands)
    {
        var replies = new List<string>();
        foreach (var command in commands)
        {
            var reply = await client.CallAsync(command);
            // Set members come in any order: compare them sorted.
            replies.Add(command[0] == "SMEMBERS" ? string.Join(",", reply.Split("\r\n").Order(StringComparer.Ordinal)) : reply);
        }

        return replies;
    }

    private static async Task<(int ExitCode, string Output)> RunProcess(string file, string argument)
    {
        var psi = new ProcessStartInfo(file, argument) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        output += await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}
