using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Scripting;

/// <summary>StackExchange.Redis' scripting: prepared scripts by SHA1, and its fallback to EVAL on NOSCRIPT after the cache was flushed.</summary>
public sealed class ScriptClientLibraryTests
{
    [Fact]
    public async Task Prepared_scripts_run_and_survive_a_script_flush()
    {
        await using var node = await TestNode.StartAsync();
        var options = ConfigurationOptions.Parse(node.Endpoint);
        options.AbortOnConnectFail = true;
        options.AllowAdmin = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        var server = redis.GetServer(node.Endpoint);

        var prepared = LuaScript.Prepare("redis.call('set', @key, @value) return redis.call('incrby', @key, @step)");
        var loaded = await prepared.LoadAsync(server);
        Assert.Equal(prepared.ExecutableScript, loaded.ExecutableScript);
        Assert.True(await server.ScriptExistsAsync(loaded.Hash));

        var result = await loaded.EvaluateAsync(db, new { key = (RedisKey)"counter", value = 10, step = 5 });
        Assert.Equal(15, (long)result);

        // The node forgets the script; the client gets NOSCRIPT for its EVALSHA and sends EVAL.
        await server.ScriptFlushAsync();
        Assert.False(await server.ScriptExistsAsync(loaded.Hash));
        result = await prepared.EvaluateAsync(db, new { key = (RedisKey)"counter", value = 1, step = 2 });
        Assert.Equal(3, (long)result);
        Assert.True(await server.ScriptExistsAsync(loaded.Hash));

        var keys = (RedisResult[])(await db.ScriptEvaluateAsync("return {KEYS[1], ARGV[1]}", ["k1"], ["a1"]))!;
        Assert.Equal(["k1", "a1"], keys.Select(k => (string)k!).ToArray());
        await db.StringSetAsync("k1", "abc");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.ScriptEvaluateAsync("return redis.call('incr', KEYS[1])", ["k1"]));
        Assert.StartsWith("ERR value is not an integer or out of range script: ", error.Message);
        Assert.Equal("abc", (string?)await db.StringGetAsync("k1"));
    }
}
