using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// EVAL and SCRIPT against redis-server: Redis' conversion rules between Lua and RESP2/RESP3,
/// the redis.* API, the sandbox's errors and the commands' own errors, one small script each.
/// The scripts' SHA1s are the same on both sides, so error strings that name them compare too.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ScriptingDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Lua_values_convert_to_resp2_as_redis() => redis.AssertSameAsync(
        Eval("return 1"), Eval("return 3.99"), Eval("return -3.99"), Eval("return 'hello'"), Eval("return true"), Eval("return false"),
        Eval("return nil"), Eval("return {}"), Eval("return {1, 2, 3, 'x', {4, 5}}"), Eval("return {1, 2, nil, 4}"),
        Eval("return {ok = 'fine'}"), Eval("return {err = 'MYERR something bad'}"), Eval("return {err = 'no code'}"),
        Eval("return {ok = 'line\\r\\nbreak'}"), Eval("return {double = 3.5}"), Eval("return {map = {a = 1}}"), Eval("return {set = {a = true}}"),
        Eval("return {big_number = '123'}"), Eval("return 2^53"), Eval("return -0.5"), Eval("return {1, {ok = 'x'}, {err = 'E y'}}"),
        Eval("return tostring(3.0)"), Eval("return tostring(1e20)"), Eval("return unpack({1, 2})"), Eval("return type(unpack)"));

    [Fact]
    public Task Command_replies_convert_to_lua_as_redis() => redis.AssertSameAsync(
        Eval("redis.call('set', 'k', 'v'); return redis.call('get', 'k')"), Eval("return redis.call('get', 'missing') == false"),
        Eval("return type(redis.call('get', 'missing'))"), Eval("return redis.call('incr', 'n')"), Eval("return type(redis.call('incr', 'n'))"),
        Eval("return redis.call('ping')"), Eval("return type(redis.call('ping'))"), Eval("return redis.call('ping').ok"),
        Eval("redis.call('rpush', 'l', 'a', 'b'); return redis.call('lrange', 'l', 0, -1)"), Eval("return redis.pcall('incr', 'l')"),
        Eval("local r = redis.pcall('incr', 'l'); return type(r) .. ' ' .. r.err"), Eval("return redis.call('set', 'x', 1.5)"),
        Eval("return redis.call('get', 'x')"), Eval("return redis.call('set', 'y', 12345678901234)"), Eval("return redis.call('get', 'y')"),
        Eval("return redis.call('exists', 'k', 'l', 'nope')"), Eval("return redis.call('hgetall', 'nope')"));

    [Fact]
    public Task Resp3_conversions_match_redis() => AssertSameResp3Async(
        Eval("return {map = {a = 1}}"), Eval("return {set = {a = true}}"), Eval("return {double = 3.5}"), Eval("return true"),
        Eval("return false"), Eval("return nil"), Eval("return {big_number = '1234567890123456789'}"),
        Eval("redis.setresp(3); return true"), Eval("redis.setresp(3); return false"),
        Eval("redis.call('hset', 'h', 'f', 'v'); redis.setresp(3); return redis.call('hgetall', 'h')"),
        Eval("redis.setresp(3); local r = redis.call('hgetall', 'h'); return r.map.f"),
        Eval("redis.setresp(3); return redis.call('get', 'missing') == nil"),
        Eval("redis.call('sadd', 's', 'm'); redis.setresp(3); return redis.call('smembers', 's')"),
        Eval("redis.setresp(3); return type(redis.call('smembers', 's').set)"));

    [Fact]
    public Task Script_errors_match_redis() => redis.AssertSameAsync(
        Eval("error('boom')"), Eval("error({err = 'CODE custom'})"), Eval("local x = nil; return x.y"), Eval("return redis.call('nosuchcmd')"),
        Eval("return redis.call('get')"), Eval("return redis.call()"), Eval("return redis.call('get', {})"), Eval("redis.call('set', 'l', 'v'); redis.call('incr', 'l')"),
        Eval("return redis.call('eval', 'return 1', 0)"), Eval("return redis.call('multi')"), Eval("x = 1"), Eval("return undefined_global"),
        Eval("return os.time()"), Eval("return io.open('/etc/passwd')"), Eval("return loadfile('/etc/passwd')"), Eval("return dofile('/etc/passwd')"),
        Eval("return require('os')"), Eval("return print('x')"), Eval("return this is not lua"), Eval("return redis.error_reply('MY bad')"),
        Eval("return redis.error_reply('bad')"), Eval("return redis.error_reply('-X y')"), Eval("return redis.error_reply(1)"),
        Eval("return redis.status_reply('GOOD')"), Eval("return redis.status_reply()"), Eval("return pcall(error, 'x')"),
        Eval("local ok, e = pcall(function() redis.call('nosuchcmd') end); return e"), Eval("redis.setresp(4)"), Eval("redis.setresp()"),
        Eval("redis.log(redis.LOG_WARNING)"), Eval("redis.log('x', 'y')"), Eval("redis.log(9, 'y')"), Eval("redis.set_repl()"),
        Eval("redis.set_repl(99)"), Eval("return redis.sha1hex()"), Eval("return redis.sha1hex('abc')"), Eval("return redis.sha1hex('')"));

    [Fact]
    public Task The_redis_api_matches_redis() => redis.AssertSameAsync(
        Eval("return redis.REDIS_VERSION_NUM > 0"), Eval("return redis.replicate_commands()"), Eval("redis.set_repl(redis.REPL_ALL); return 1"),
        Eval("return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REPL_ALL}"),
        Eval("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}"), Eval("redis.log(redis.LOG_NOTICE, 'hi', 1); return 1"),
        Eval("return redis.breakpoint()"), Eval("redis.debug('x'); return 1"), Eval("return cjson.encode({1, 2, 3})"),
        Eval("return cjson.decode('[1,2,{\"a\":3}]')[3].a"), Eval("return bit.band(0xff, 0x0f) .. ' ' .. bit.bxor(5, 3) .. ' ' .. bit.tohex(255)"),
        Eval("return tostring(math.random(1, 1))"), Eval("math.randomseed(42); return tostring(math.random())"),
        Eval("math.randomseed(42); return math.random(10)"), Eval("math.randomseed(7); return math.random(5, 10)"), Eval("return math.random(0)"),
        Eval("return math.random(1, 2, 3)"), Eval("return loadstring('return 7')()"), Eval("return type(loadstring('x = '))"),
        Eval("local f = loadstring('y = 1'); local ok, e = pcall(f); return e"), Eval("return select('#', 1, 2, 3)"),
        Eval("return table.concat({'a', 'b'}, '-')"), Eval("return string.format('%d %s', 3, 'x')"), Eval("return #KEYS .. ' ' .. #ARGV", "2", "k1", "k2", "a1"),
        Eval("return {KEYS[1], ARGV[1], ARGV[2]}", "1", "key", "arg1", "arg2"), Eval("redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])", "1", "kk", "vv"));

    [Fact]
    public Task Eval_and_script_commands_match_redis() => redis.AssertSameAsync(
        ["EVAL", "return 1", "-1"], ["EVAL", "return 1", "2", "a"], ["EVAL", "return 1", "x"], ["EVAL", "return 1"], ["EVALSHA", "abc", "0"],
        ["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"], ["SCRIPT", "LOAD", "return 1"], ["EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"],
        ["EVALSHA", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"], ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "ffffffffffffffffffffffffffffffffffffffff"],
        ["SCRIPT", "LOAD", "return +"], ["SCRIPT", "FLUSH", "bogus"], ["SCRIPT", "FLUSH", "SYNC"], ["SCRIPT", "EXISTS", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"],
        ["SCRIPT", "FLUSH"], ["SCRIPT", "FLUSH", "ASYNC"], ["SCRIPT", "KILL"], ["SCRIPT", "BOGUS"], ["SCRIPT", "DEBUG", "NO"], ["SCRIPT", "DEBUG", "maybe"],
        ["SCRIPT", "HELP"], ["SCRIPT"], ["EVAL_RO", "return redis.call('get', 'k')", "0"], ["EVAL_RO", "return redis.call('set', 'k', 'v')", "0"],
        ["EVAL_RO", "return redis.call('del', 'k')", "0"], ["EVALSHA_RO", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"]);

    [Fact]
    public Task Shebang_flags_match_redis() => redis.AssertSameAsync(
        Eval("#!lua\nreturn 1"), Eval("#!lua flags=no-writes\nreturn redis.call('get', 'k')"), Eval("#!lua flags=no-writes\nreturn redis.call('set', 'k', 'v')"),
        Eval("#!lua flags=bogus\nreturn 1"), Eval("#!lua bogus=1\nreturn 1"), Eval("#!python\nreturn 1"), Eval("#!lua"), Eval("#!lua flags=allow-oom,allow-stale\nreturn 2"),
        Eval("#!lua flags=allow-cross-slot-keys,no-cluster\nreturn 3"), Eval("#!lua\nreturn redis.call('set', 'k', 'v')"),
        ["EVAL_RO", "#!lua\nreturn 1", "0"], ["EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"], Eval("#!lua\nerror('on line two')"));

    private static string[] Eval(string script, params string[] keysAndArgs) =>
        keysAndArgs.Length == 0 ? ["EVAL", script, "0"] : ["EVAL", script, .. keysAndArgs];

    /// <summary>Runs the commands on RESP3 connections (after HELLO 3, whose reply holds a client id and is skipped).</summary>
    private async Task AssertSameResp3Async(params string[][] commands)
    {
        string[][] script = [["HELLO", "3"], .. commands];
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        for (var i = 1; i < script.Length; i++)
        {
            Assert.True(theirs[i] == ours[i], $"{string.Join(' ', script[i])}: redis {theirs[i]} ours {ours[i]}");
        }
    }
}
