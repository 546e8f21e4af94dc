using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// FUNCTION and FCALL against redis-server: library headers and names, register_function's
/// argument errors, the loading sandbox, LIST and STATS replies, FCALL and FCALL_RO rules, and
/// DUMP payloads that each server restores from the other. Each sequence starts from FUNCTION FLUSH.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class FunctionDifferentialTests(DifferentialFixture redis)
{
    private const string Hello = "#!lua name=lib\nredis.register_function('hello', function(keys, args) return 'hello' end)";

    [Fact]
    public Task Library_headers_and_names_are_checked_as_redis() => AssertSameAsync(
        Load("redis.register_function('f', function() return 1 end)"), ["FUNCTION", "LOAD", "return 1"], ["FUNCTION", "LOAD", "#!lua name=x"],
        ["FUNCTION", "LOAD", "#!lua\nreturn 1"], ["FUNCTION", "LOAD", "#!lua name=a name=b\nreturn 1"], ["FUNCTION", "LOAD", "#!lua name=a foo=bar\nreturn 1"],
        ["FUNCTION", "LOAD", "#!python name=a\nreturn 1"], ["FUNCTION", "LOAD", "#! name=a\nreturn 1"], ["FUNCTION", "LOAD", "#!lua name=bad-name\nreturn 1"],
        ["FUNCTION", "LOAD", "#!lua name=\"quoted\"\nredis.register_function('q', function() return 1 end)"], ["FUNCTION", "LOAD", "#!lua name=\"open\nreturn 1"],
        ["FUNCTION", "LOAD", "#!LUA name=upper\nredis.register_function('u', function() return 1 end)"], ["FUNCTION", "LOAD", Hello], ["FUNCTION", "LOAD", Hello],
        ["FUNCTION", "LOAD", "REPLACE", Hello], ["FUNCTION", "LOAD", "BOGUS", Hello], ["FUNCTION", "LOAD", "REPLACE"], ["FUNCTION", "LOAD", "#!lua name=lib\nbad code"],
        ["FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('HELLO', function() return 2 end)"], ["FCALL", "HeLLo", "0"]);

    [Fact]
    public Task Register_function_arguments_are_checked_as_redis() => AssertSameAsync(
        Load("redis.register_function()"), Load("redis.register_function('f')"), Load("redis.register_function('f', function() end, 1)"),
        Load("redis.register_function(nil, function() end)"), Load("redis.register_function('f', 'x')"), Load("redis.register_function('a-b', function() end)"),
        Load("redis.register_function('', function() end)"), Load("redis.register_function{function_name='f'}"), Load("redis.register_function{callback=function() end}"),
        Load("redis.register_function{function_name='f', callback=function() end, flags='x'}"),
        Load("redis.register_function{function_name='f', callback=function() end, flags={'bogus'}}"),
        Load("redis.register_function{function_name='f', callback=function() end, other=1}"),
        Load("redis.register_function{function_name='f', callback=function() end, description={}}"),
        Load("redis.register_function{function_name={}, callback=function() end}"), Load("redis.register_function{function_name='f', callback=1}"),
        Load("redis.register_function('f', function() end) redis.register_function('f', function() end)"), Load("return 1"),
        Load("math.random()"), Load("redis.call('ping')"), Load("redis.setresp(3)"), Load("x = 1"), Load("error('boom')"), Load("return getmetatable(_G)"),
        Load("redis.register_function{function_name='f', callback=function() return redis.REDIS_VERSION_NUM > 0 end, flags={'no-writes', 'ALLOW-OOM'}, description='d'}"),
        ["FCALL", "f", "0"], ["FUNCTION", "LIST"]);

    [Fact]
    public Task Fcall_and_fcall_ro_behave_as_redis() => AssertSameAsync(
        Load("redis.register_function('w', function(keys, args) return redis.call('set', keys[1], args[1]) end)"
            + " redis.register_function{function_name='r', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}}"
            + " redis.register_function{function_name='rw', callback=function(keys) return redis.call('set', keys[1], 'x') end, flags={'no-writes'}}"
            + " redis.register_function('e', function() return redis.call('nosuch') end)"
            + " redis.register_function('kv', function(keys, args) return {#keys, #args, keys[1], args[1]} end)"
            + " redis.register_function('reg', function() redis.register_function('x', function() end) end)"),
        ["FCALL", "w", "1", "k", "v"], ["FCALL", "r", "1", "k"], ["FCALL_RO", "r", "1", "k"], ["FCALL_RO", "w", "1", "k", "v"], ["FCALL", "rw", "1", "k"],
        ["FCALL", "e", "0"], ["FCALL", "kv", "2", "a", "b", "c"], ["FCALL", "reg", "0"], ["FCALL", "nosuch", "0"], ["FCALL", "w", "x"], ["FCALL", "w", "5", "a"],
        ["FCALL", "w", "-1"], ["FCALL"], ["COMMAND", "GETKEYS", "FCALL", "w", "2", "a", "b", "c"], ["FUNCTION", "STATS"]);

    [Fact]
    public Task Function_management_replies_match_redis() => AssertSameAsync(
        Load("redis.register_function('f1', function() return 1 end)"), ["FUNCTION", "LOAD", Hello.Replace("lib", "lib2", StringComparison.Ordinal)],
        ["FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "lib"], ["FUNCTION", "LIST", "LIBRARYNAME", "LIB2"], ["FUNCTION", "LIST", "LIBRARYNAME"], ["FUNCTION", "LIST", "WITHCODE", "WITHCODE"],
        ["FUNCTION", "LIST", "bogus"], ["FUNCTION", "STATS"], ["FUNCTION", "DELETE", "nosuch"], ["FUNCTION", "DELETE", "lib2"], ["FCALL", "hello", "0"],
        ["FUNCTION", "FLUSH", "bogus"], ["FUNCTION", "FLUSH", "SYNC", "x"], ["FUNCTION", "RESTORE", "bad"], ["FUNCTION", "RESTORE", "a", "b", "c"],
        ["FUNCTION", "RESTORE", "bad", "BOGUS"], ["FUNCTION", "KILL"], ["FUNCTION", "BOGUS"], ["FUNCTION", "HELP"], ["FUNCTION", "FLUSH", "ASYNC"], ["FUNCTION", "LIST"]);

    [Fact]
    public async Task A_dump_of_either_server_restores_on_the_other()
    {
        // A library long and repetitive enough that redis-server writes it LZF-compressed.
        var body = string.Join(" ", Enumerable.Range(0, 20).Select(i => $"redis.register_function('f{i}', function() return 'value of function number {i}' end)"));
        var code = "#!lua name=big\n" + body;
        await using var theirs = await ConnectAsync(redis.Redis.Port);
        await using var ours = await ConnectAsync(redis.Node.Port);
        foreach (var mux in new[] { theirs, ours })
        {
            var db = mux.GetDatabase();
            await db.ExecuteAsync("FUNCTION", "FLUSH");
        }

        await theirs.GetDatabase().ExecuteAsync("FUNCTION", "LOAD", code);
        var payload = (byte[])(await theirs.GetDatabase().ExecuteAsync("FUNCTION", "DUMP"))!;
        Assert.Equal("OK", (string?)await ours.GetDatabase().ExecuteAsync("FUNCTION", "RESTORE", payload));
        Assert.Equal("value of function number 7", (string?)await ours.GetDatabase().ExecuteAsync("FCALL", "f7", "0"));

        var collision = await Assert.ThrowsAsync<RedisServerException>(() => ours.GetDatabase().ExecuteAsync("FUNCTION", "RESTORE", payload));
        Assert.Equal("ERR Library big already exists", collision.Message);

        var back = (byte[])(await ours.GetDatabase().ExecuteAsync("FUNCTION", "DUMP"))!;
        Assert.Equal("OK", (string?)await theirs.GetDatabase().ExecuteAsync("FUNCTION", "RESTORE", back, "FLUSH"));
        Assert.Equal("value of function number 19", (string?)await theirs.GetDatabase().ExecuteAsync("FCALL", "f19", "0"));
        Assert.Equal(
            RespListing(await theirs.GetDatabase().ExecuteAsync("FUNCTION", "LIST", "WITHCODE")),
            RespListing(await ours.GetDatabase().ExecuteAsync("FUNCTION", "LIST", "WITHCODE")));
    }

    private static string[] Load(string body) => ["FUNCTION", "LOAD", "REPLACE", "#!lua name=lib\n" + body];

    private static string RespListing(RedisResult result) =>
        result.Resp2Type == ResultType.Array ? "[" + string.Join(",", ((RedisResult[])result!).Select(RespListing).Order(StringComparer.Ordinal)) + "]" : result.ToString();

    private static async Task<ConnectionMultiplexer> ConnectAsync(int port)
    {
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port}");
        options.AbortOnConnectFail = true;
        options.AllowAdmin = true;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private async Task AssertSameAsync(params string[][] commands) =>
        await redis.AssertSameAsync([["FUNCTION", "FLUSH"], .. commands]);
}
