using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

[Collection(DifferentialCollection.Name)]
public sealed class ServerDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Config_get_of_shared_parameters_matches_redis() => redis.AssertSameAsync(
        "CONFIG GET timeout", "CONFIG GET save", "CONFIG GET appendonly", "CONFIG GET maxmemory", "CONFIG GET maxmemory-policy",
        "CONFIG GET slave-read-only", "CONFIG GET replica-read-only", "CONFIG GET replica-read-*", "CONFIG GET hz", "CONFIG GET HZ",
        "CONFIG GET hz HZ", "CONFIG GET maxclients", "CONFIG GET proto-max-bulk-len", "CONFIG GET client-query-buffer-limit",
        "CONFIG GET requirepass", "CONFIG GET enable-debug-command", "CONFIG GET maxmemory-pol*", "CONFIG GET nosuch", "CONFIG GET no*such",
        "CONFIG GET", "CONFIG");

    [Fact]
    public Task Config_set_errors_match_redis() => redis.AssertSameAsync(
        "CONFIG SET nosuch 1", "CONFIG SET hz abc", "CONFIG SET hz 10 hz 11", "CONFIG SET hz 10 maxclients", "CONFIG SET hz 10 nosuch 1",
        "CONFIG SET enable-debug-command yes", "CONFIG SET databases 2", "CONFIG SET maxclients 0", "CONFIG SET maxclients abc",
        "CONFIG SET maxclients 99999999999", "CONFIG SET proto-max-bulk-len abc",
        "CONFIG SET client-query-buffer-limit -1", "CONFIG SET", "CONFIG SET hz", "CONFIG RESETSTAT x", "CONFIG BOGUS", "CONFIG HELP x");

    [Fact]
    public Task Config_set_applies_and_clamps_like_redis() => redis.AssertSameAsync(
        "CONFIG SET hz 0", "CONFIG GET hz", "CONFIG SET hz 1000", "CONFIG GET hz", "CONFIG SET hz 20 maxclients 5000", "CONFIG GET hz",
        "CONFIG GET maxclients", "CONFIG SET proto-max-bulk-len 2mb", "CONFIG GET proto-max-bulk-len", "CONFIG SET proto-max-bulk-len 512mb",
        "CONFIG SET hz 10 maxclients 10000", "CONFIG GET hz", "CONFIG RESETSTAT");

    [Fact]
    public Task Client_names_match_redis() => redis.AssertSameAsync(
        ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "worker-1"], ["CLIENT", "GETNAME"], ["client", "setname", "a b"],
        ["CLIENT", "SETNAME", "tab\tname"], ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", ""], ["CLIENT", "GETNAME"],
        ["CLIENT", "SETNAME"], ["CLIENT", "SETNAME", "x", "y"], ["CLIENT", "GETNAME", "x"]);

    [Fact]
    public Task Client_argument_errors_match_redis() => redis.AssertSameAsync(
        "CLIENT", "CLIENT ID x", "CLIENT INFO x", "CLIENT LIST type", "CLIENT LIST foo", "CLIENT LIST TYPE foo", "CLIENT LIST TYPE normal x",
        "CLIENT LIST ID abc", "CLIENT LIST ID 1 abc", "CLIENT LIST ID", "CLIENT LIST ID 999999", "CLIENT LIST TYPE pubsub",
        "CLIENT LIST TYPE master", "CLIENT LIST TYPE replica", "CLIENT BOGUS", "client bogus x", "CLIENT HELP x");

    [Fact]
    public Task Command_errors_and_lookups_match_redis() => redis.AssertSameAsync(
        "COMMAND COUNT x", "COMMAND GETKEYS", "COMMAND GETKEYS get", "COMMAND GETKEYS nosuch a", "COMMAND GETKEYS get a b",
        "COMMAND GETKEYS get a", "COMMAND GETKEYS ping x", "COMMAND GETKEYS dbsize x", "COMMAND GETKEYS client nosuch x", "COMMAND GETKEYS client list", "COMMAND INFO nosuch", "COMMAND INFO get",
        "COMMAND INFO GET nosuch", "COMMAND DOCS nosuch", "COMMAND BOGUS", "COMMAND LIST x", "COMMAND LIST FILTERBY foo x",
        "COMMAND LIST FILTERBY pattern", "COMMAND HELP x");

    [Fact]
    public Task Time_info_and_debug_errors_match_redis() => redis.AssertSameAsync(
        "TIME x", "INFO nosuch", "INFO keyspace", "SET k v", "INFO keyspace", "INFO KEYSPACE nosuch", "DEBUG", "DEBUG nosuch",
        "DEBUG gc x", "DEBUG SLEEP 0");

    [Fact]
    public async Task Command_count_is_an_integer_on_both()
    {
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, [["COMMAND", "COUNT"]]);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, [["COMMAND", "COUNT"]]);
        Assert.Matches(@"^:[1-9][0-9]*\r\n$", ours[0]);
        Assert.Matches(@"^:[1-9][0-9]*\r\n$", theirs[0]);
    }
}
