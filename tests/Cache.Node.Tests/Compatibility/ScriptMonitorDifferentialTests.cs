using System.Text.RegularExpressions;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// What MONITOR shows of scripts, next to redis-server: EVAL and EVALSHA before the commands
/// their script runs, those as "[0 lua]", and a NOSCRIPT EVALSHA too (it is shown before it runs).
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ScriptMonitorDifferentialTests(DifferentialFixture redis)
{
    private const string Incr = "return redis.call('incr', KEYS[1])";

    [Fact]
    public async Task Monitor_shows_a_script_then_its_commands_as_lua_as_redis_does()
    {
        // SCRIPT LOAD answers the SHA1 as a bulk string: $40\r\n<sha>\r\n.
        var sha = (await DifferentialFixture.RunAsync(redis.Redis.Port, [["SCRIPT", "LOAD", Incr]]))[0].Split("\r\n")[1];
        string[][] commands =
        [
            ["EVAL", "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", "1", "mon:k", "v"],
            ["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"],
            ["SCRIPT", "LOAD", Incr],
            ["EVALSHA", sha, "1", "mon:n"],
            ["EVAL_RO", "return redis.call('get', KEYS[1])", "1", "mon:k"],
            ["EVAL", "return 1", "x"],
            ["FUNCTION", "LOAD", "REPLACE", "#!lua name=monlib\nredis.register_function('monf', function(keys) return redis.call('incr', keys[1]) end)"],
            ["FCALL", "monf", "1", "mon:f"],
            ["FCALL", "nosuchfunction", "0"],
            ["SET", "mon:after", "1"],
        ];

        var theirs = await MonitoredAsync(redis.Redis.Port, commands);
        var ours = await MonitoredAsync(redis.Node.Port, commands);
        Assert.Contains("[lua] \"set\" \"mon:k\" \"v\"", theirs);
        Assert.Equal(theirs, ours);
    }

    private static async Task<List<string>> MonitoredAsync(int port, string[][] commands)
    {
        await using var monitor = await RespTestClient.ConnectAsync(port);
        await using var client = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await monitor.CallAsync("MONITOR"));
        foreach (var command in commands)
        {
            await client.CallAsync(command);
        }

        // The last command is a plain SET: its line closes what the scripts showed.
        var lines = new List<string>();
        while (lines.Count == 0 || !lines[^1].Contains("\"mon:after\"", StringComparison.Ordinal))
        {
            // Timestamps and client addresses differ between servers; the origin's kind stays.
            var line = await monitor.ReadReplyAsync();
            lines.Add(Regex.Replace(line.TrimEnd(), @"^\+\d+\.\d{6} \[0 (lua|[\d.:]+)\]", m => m.Groups[1].Value == "lua" ? "[lua]" : "[client]"));
        }

        return lines;
    }
}
