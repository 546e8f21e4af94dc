using System.Text.RegularExpressions;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>CLIENT LIST / INFO fields, CLIENT REPLY, MONITOR and CONFIG replies next to redis-server's.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class IntrospectionDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public async Task Client_info_has_redis_fields_in_redis_order_with_the_running_commands_figures()
    {
        var ours = await OneLine(redis.Node.Port, ["CLIENT", "INFO"]);
        var theirs = await OneLine(redis.Redis.Port, ["CLIENT", "INFO"]);
        // Then lib-name and lib-ver, Redis 7.2's, as CLIENT SETINFO is served.
        Assert.Equal([.. Names(theirs), "lib-name", "lib-ver"], Names(ours));
        foreach (var field in new[] { "qbuf", "argv-mem", "multi-mem", "obl", "oll", "omem", "flags", "multi", "cmd", "events", "resp", "redir", "sub", "psub", "ssub", "db" })
        {
            Assert.Equal(Field(theirs, field), Field(ours, field));
        }

        Assert.Equal("26", Field(ours, "qbuf"));
        Assert.Matches(@"^\d+$", Field(ours, "fd"));
    }

    [Fact]
    public async Task Client_list_in_multi_and_after_reply_skip_matches_redis()
    {
        string[][] commands = [["MULTI"], ["CLIENT", "LIST"], ["EXEC"]];
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, commands);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, commands);
        foreach (var field in new[] { "flags", "multi", "qbuf", "cmd" })
        {
            Assert.Equal(Field(theirs[2], field), Field(ours[2], field));
        }

        await redis.AssertSameAsync(["CLIENT", "REPLY"], ["CLIENT", "REPLY", "bogus"], ["CLIENT", "NO-EVICT", "maybe"], ["CLIENT", "NO-EVICT", "on"],
            ["CLIENT", "NO-EVICT", "off"], ["CLIENT", "REPLY", "ON"], ["MONITOR", "x"]);
    }

    [Fact]
    public Task Config_parameters_for_introspection_match_redis() => redis.AssertSameAsync(
        ["CONFIG", "GET", "key-load-delay"], ["CONFIG", "GET", "maxmemory-clients"], ["CONFIG", "GET", "repl-backlog-size"], ["CONFIG", "GET", "daemonize"],
        ["CONFIG", "GET", "replicaof"], ["CONFIG", "GET", "slaveof"], ["CONFIG", "SET", "daemonize", "yes"], ["CONFIG", "SET", "maxmemory-clients", "200%"], ["CONFIG", "SET", "save", "1 2 3"],
        ["CONFIG", "SET", "save", "100 10"], ["CONFIG", "GET", "save"], ["CONFIG", "SET", "save", ""], ["CONFIG", "GET", "save"],
        ["CONFIG", "SET", "dir", "/tmp"], ["CONFIG", "SET", "dbfilename", "x.rdb"], ["CONFIG", "SET", "timeout", "abc"], ["CONFIG", "SET", "timeout", "0"],
        ["CONFIG", "SET", "maxmemory", "10000001", "maxmemory", "10000002"], ["CONFIG", "REWRITE"], ["CONFIG", "REWRITE", "x"],
        ["LASTSAVE", "x"], ["SAVE", "x"], ["BGSAVE", "x"], ["BGSAVE", "SCHEDULE", "x"], ["DEBUG", "RELOAD", "BOGUS"]);

    private static async Task<string> OneLine(int port, string[] command) => (await DifferentialFixture.RunAsync(port, [command]))[0];

    private static List<string> Names(string line) => Regex.Matches(line, @"(?:^|\s|\n)([a-z-]+)=").Select(m => m.Groups[1].Value).ToList();

    private static string Field(string text, string name) => Regex.Match(text, $@"(?:^|\s|\n){Regex.Escape(name)}=(\S*)").Groups[1].Value;
}
