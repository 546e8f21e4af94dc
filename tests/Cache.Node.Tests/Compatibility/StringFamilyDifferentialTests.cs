using System.Text;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>The string family beyond GET/SET, compared reply for reply with redis-server.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class StringFamilyDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Setnx_matches_redis() => SameAsync(
        "SETNX k v", "SETNX k w", "GET k", "HSET h f v", "SETNX h v", "GET h", "SETNX", "SETNX k", "SETNX k v x");

    [Fact]
    public Task Setex_and_psetex_match_redis() => SameAsync(
        "SETEX k 100 v", "GET k", "PSETEX p 100000 v", "GET p", "HSET h f v", "SETEX h 100 s", "GET h",
        "SETEX k 0 v", "SETEX k -1 v", "SETEX k abc v", "SETEX k 1.5 v", "SETEX k 9223372036854775807 v", "SETEX k 9223372036854775 v",
        "PSETEX k 0 v", "PSETEX k -5 v", "PSETEX k abc v", "PSETEX k 9223372036854775807 v", "GET k", "SETEX k 100", "PSETEX k 1 v x");

    [Fact]
    public Task Getex_matches_redis() => SameAsync(
        "SET k v", "GETEX k", "GETEX k EX 100", "GETEX k PX 200000", "GETEX k EXAT 32503680000",
        "GETEX k PXAT 32503680000000", "GETEX k PERSIST", "GETEX k PERSIST", "GETEX k ex 100 ex 300",
        "getex k persist persist", "GETEX missing", "GETEX missing EX 10", "GETEX missing EX abc", "STRLEN missing");

    [Fact]
    public Task Getex_errors_match_redis() => SameAsync(
        "SET k v", "HSET h f v", "GETEX k EX", "GETEX k EX 0", "GETEX k EX -1", "GETEX k PX 0", "GETEX k EXAT 0", "GETEX k PXAT -3",
        "GETEX k EX abc", "GETEX k EX 9223372036854775807", "GETEX k PX 9223372036854775807", "GETEX k EX 10 PX 10",
        "GETEX k EX 10 PERSIST", "GETEX k PERSIST EX 10", "GETEX k KEEPTTL", "GETEX k GET", "GETEX k NX", "GETEX k XX", "GETEX k BOGUS",
        "GETEX h", "GETEX h EX 10", "GETEX h EX abc", "GETEX h EX", "GETEX missing EX 0", "GETEX");

    [Fact]
    public Task Getex_with_a_past_absolute_time_deletes_the_key_like_redis() => SameAsync(
        "SET k v", "GETEX k EXAT 1", "STRLEN k", "SET k v", "GETEX k PXAT 1000", "STRLEN k", "GETEX k PXAT 1000");

    [Fact]
    public Task Set_repeated_options_match_redis() => SameAsync(
        "SET k v EX 100 EX 200", "SET k v EX 10 EX abc", "SET k v NX NX", "SET k v XX XX", "SET k v GET GET",
        "SET k v KEEPTTL KEEPTTL", "SET k v PX 100 EX 100", "SET k v EXAT 100 PXAT 100", "SET k v EX 10 KEEPTTL",
        "SET k v PERSIST");

    [Fact]
    public Task Getdel_matches_redis() => SameAsync(
        "SET k v", "GETDEL k", "STRLEN k", "GETDEL k", "HSET h f v", "GETDEL h", "STRLEN h", "SETEX t 100 x", "GETDEL t",
        "GETDEL", "GETDEL a b");

    [Fact]
    public Task Getset_matches_redis() => SameAsync(
        "GETSET k v", "GET k", "GETSET k w", "GET k", "SETEX t 100 x", "GETSET t y", "HSET h f v", "GETSET h x", "GET h",
        "GETSET k", "GETSET k a b");

    [Fact]
    public Task Mget_and_mset_match_redis() => SameAsync(
        "MSET a 1 b 2 c 3", "MGET a b c missing", "HSET h f v", "MGET a h b", "MSET a x a y", "GET a", "MSET a", "MSET a 1 b",
        "MSET", "MGET", "SETEX t 100 x", "MSET t z", "MSET h s", "GET h", "MGET h");

    [Fact]
    public Task Msetnx_matches_redis() => SameAsync(
        "MSETNX a 1 b 2", "MGET a b", "MSETNX b 3 c 4", "MGET b c", "MSETNX c 5 c 6", "GET c", "HSET h f v", "MSETNX h 1 d 2",
        "STRLEN d", "MSETNX a", "MSETNX x 1 y", "MSETNX");

    [Fact]
    public Task Append_and_strlen_match_redis() => SameAsync(
        new[] { "APPEND", "k", "hello" }, ["APPEND", "k", " world"], ["GET", "k"], ["STRLEN", "k"], ["APPEND", "k", ""], ["STRLEN", "k"],
        ["APPEND", "e", ""], ["GET", "e"], ["STRLEN", "e"], ["STRLEN", "missing"], ["HSET", "h", "f", "v"], ["APPEND", "h", "x"],
        ["STRLEN", "h"], ["SET", "n", "12"], ["APPEND", "n", "3"], ["INCR", "n"], ["SETEX", "t", "100", "a"], ["APPEND", "t", "b"],
        ["GET", "t"], ["APPEND", "k"], ["STRLEN"], ["STRLEN", "a", "b"], ["SET", "u", "héllo"], ["STRLEN", "u"]);

    [Fact]
    public Task Getrange_matches_redis() => SameAsync(
        "SET s hello_world", "GETRANGE s 0 4", "GETRANGE s 0 -1", "GETRANGE s -5 -1", "GETRANGE s -100 3", "GETRANGE s 5 100",
        "GETRANGE s 3 1", "GETRANGE s -1 -2", "GETRANGE s -3 -4", "GETRANGE s 100 200", "GETRANGE s -1 -1", "GETRANGE s 0 0",
        "GETRANGE s 10 -1", "GETRANGE s -9223372036854775808 9223372036854775807", "GETRANGE s 9223372036854775807 -9223372036854775808",
        "GETRANGE missing 0 -1", "GETRANGE missing a b", "GETRANGE s a 1", "GETRANGE s 1 b", "GETRANGE s 1.5 2",
        "HSET h f v", "GETRANGE h 0 1", "GETRANGE h a 1", "SUBSTR s 1 3", "SUBSTR s -3 -1", "SUBSTR h 0 1", "GETRANGE s 1",
        "SET e x", "APPEND z a", "GETRANGE z 0 0", "GETRANGE z 1 1");

    [Fact]
    public Task Setrange_matches_redis() => SameAsync(
        new[] { "SETRANGE", "k", "6", "redis" }, ["GET", "k"], ["SET", "s", "hello world"], ["SETRANGE", "s", "6", "Redis"], ["GET", "s"],
        ["SETRANGE", "s", "0", "J"], ["SETRANGE", "s", "11", "!"], ["GET", "s"], ["SETRANGE", "s", "15", "x"], ["GET", "s"],
        ["SETRANGE", "s", "2", ""], ["SETRANGE", "n", "3", ""], ["GET", "n"], ["SETRANGE", "n", "0", ""], ["SETRANGE", "s", "-1", "x"],
        ["SETRANGE", "s", "abc", "x"], ["SETRANGE", "s", "1.0", "x"], ["HSET", "h", "f", "v"], ["SETRANGE", "h", "0", "x"],
        ["SETRANGE", "h", "0", ""], ["SETRANGE", "h", "-1", "x"], ["SETRANGE", "h", "x", "x"],
        ["SETRANGE", "s", "536870912", "x"], ["SETRANGE", "s", "536870911", "xy"], ["SETRANGE", "big", "9223372036854775807", "x"],
        ["SETRANGE", "big", "536870911", ""], ["GET", "big"], ["SETEX", "t", "100", "abc"], ["SETRANGE", "t", "1", "X"],
        ["GET", "t"], ["SET", "i", "100"], ["SETRANGE", "i", "1", "5"], ["INCR", "i"], ["SETRANGE", "s", "1"]);

    [Fact]
    public Task Incr_and_decr_match_redis() => SameAsync(
        "INCR n", "INCR n", "DECR n", "DECR m", "GET n", "GET m", "INCRBY n 10", "INCRBY n -30", "DECRBY n 5", "DECRBY n -7",
        "SET s abc", "INCR s", "DECR s", "INCRBY s 1", "SET f 1.5", "INCR f", "SET z 007", "INCR z", "SET sp \"1\"", "SET neg -0",
        "INCR neg", "SET big 12345678901234567890", "INCR big", "INCRBY n abc", "INCRBY n 1.0", "DECRBY n abc",
        "INCRBY n 99999999999999999999", "HSET h f v", "INCR h", "DECR h", "INCRBY h 1", "INCRBY h x", "DECRBY h x",
        "INCR", "INCR a b", "INCRBY a", "DECRBY a");

    [Fact]
    public Task Increment_overflow_matches_redis() => SameAsync(
        "SET max 9223372036854775807", "INCR max", "INCRBY max 1", "DECR max", "INCRBY max 1", "GET max",
        "SET min -9223372036854775808", "DECR min", "DECRBY min 1", "INCRBY min -1", "INCR min", "GET min",
        "DECRBY x -9223372036854775808", "DECRBY x 9223372036854775807", "DECRBY x 1", "DECRBY x 1", "GET x", "INCRBY y -9223372036854775808",
        "HSET h f v", "DECRBY h -9223372036854775808", "SET p 1", "INCRBY p 9223372036854775807", "INCRBY p 9223372036854775806");

    [Fact]
    public Task Increment_keeps_the_ttl_like_redis() => SameAsync(
        "SETEX n 100 5", "INCR n", "DECRBY n 2", "INCRBYFLOAT n 0.5", "GET n");

    [Fact]
    public Task Incrbyfloat_matches_redis() => SameAsync(
        "SET a 10.50", "INCRBYFLOAT a 0.1", "INCRBYFLOAT a -5", "SET b 5.0e3", "INCRBYFLOAT b 2.0e2", "INCRBYFLOAT c 10.5",
        "INCRBYFLOAT c 3.0e3", "INCRBYFLOAT d 1.1", "INCRBYFLOAT d 2.2", "INCRBYFLOAT e 5.0e-1", "INCRBYFLOAT e -0.5", "GET e",
        "INCRBYFLOAT f 0.1", "INCRBYFLOAT f 0.2", "INCRBYFLOAT f 0.3", "INCRBYFLOAT g 3", "INCRBYFLOAT g -3.0", "INCRBYFLOAT h -1.25",
        "INCRBYFLOAT i 1e17", "INCRBYFLOAT i 1", "INCRBYFLOAT j 1e400", "INCRBYFLOAT j -1e400", "INCRBYFLOAT k 0x10", "INCRBYFLOAT k 0x1.8p1",
        "INCRBYFLOAT l +.5", "INCRBYFLOAT l 5.", "INCRBYFLOAT m -0.0000000000000000001", "INCRBYFLOAT m2 1e-4940", "INCRBYFLOAT n 1E5",
        "INCRBYFLOAT o 0.000003814697265625", "INCRBYFLOAT o2 0.000011444091796875", "INCRBYFLOAT p 123456789.123456789",
        "INCRBYFLOAT q 3.14159265358979323846264338327950288", "INCRBYFLOAT r 1.7976931348623157e308", "INCRBYFLOAT r 1.7976931348623157e308",
        "INCRBYFLOAT s 1e-20", "INCRBYFLOAT s 1e20", "INCRBYFLOAT t 0", "INCRBYFLOAT t -0", "INCRBYFLOAT u 7", "INCR u", "INCRBYFLOAT v 1.5", "INCR v");

    [Theory]
    [InlineData(20260314)]
    [InlineData(31415926)]
    public async Task Incrbyfloat_random_sums_match_redis(int seed)
    {
        // Redis adds in 80-bit long double and prints "%.17Lf": a fixed-seed walk through many magnitudes.
        var random = new Random(seed);
        var script = new List<string[]>();
        for (var i = 0; i < 400; i++)
        {
            var digits = random.NextInt64(1, long.MaxValue).ToString()[..random.Next(1, 19)];
            var point = random.Next(0, digits.Length + 1);
            var number = (random.Next(2) == 0 ? "-" : "") + digits[..point] + "." + digits[point..];
            var exponent = random.Next(4) switch { 0 => "", 1 => "e" + random.Next(-25, 25), 2 => "E" + random.Next(-400, 400), _ => "e0" };
            script.Add(["INCRBYFLOAT", "k" + random.Next(4), number + exponent]);
        }

        script.Add(["MGET", "k0", "k1", "k2", "k3"]);
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, [.. script]);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, [.. script]);
        Assert.Equal(theirs, ours);
        Assert.True(theirs.Count(r => r.StartsWith('$')) > 300, "most increments should succeed");
    }

    [Fact]
    public Task Incrbyfloat_errors_match_redis() => SameAsync(
        new[] { "INCRBYFLOAT", "k", "abc" }, ["INCRBYFLOAT", "k", ""], ["INCRBYFLOAT", "k", " 1"], ["INCRBYFLOAT", "k", "1 "],
        ["INCRBYFLOAT", "k", "nan"], ["INCRBYFLOAT", "k", "inf"], ["INCRBYFLOAT", "k", "-inf"], ["INCRBYFLOAT", "k", "+Infinity"],
        ["INCRBYFLOAT", "k", "1e5000"], ["INCRBYFLOAT", "k", "1e-5000"], ["INCRBYFLOAT", "k", "1e"], ["INCRBYFLOAT", "k", "."],
        ["INCRBYFLOAT", "k", "0x"], ["INCRBYFLOAT", "k", "1.2.3"], ["INCRBYFLOAT", "k", "--1"], ["INCRBYFLOAT", "k", "1e4932"],
        ["INCRBYFLOAT", "k", "1e4931"], ["INCRBYFLOAT", "k", "1e4931"], ["GET", "k"], ["INCRBYFLOAT", "k", "-2e4931"], ["GET", "k"],
        ["SET", "s", "hello"], ["INCRBYFLOAT", "s", "1"], ["SET", "s", "1.5 "], ["INCRBYFLOAT", "s", "1"], ["SET", "s", "inf"],
        ["INCRBYFLOAT", "s", "1"], ["HSET", "h", "f", "v"], ["INCRBYFLOAT", "h", "1"], ["INCRBYFLOAT", "h", "abc"],
        ["INCRBYFLOAT", "k"], ["INCRBYFLOAT"], ["INCRBYFLOAT", "k", "1", "2"]);

    [Fact]
    public Task Lcs_matches_redis() => SameAsync(
        "MSET key1 ohmytext key2 mynewtext", "LCS key1 key2", "LCS key1 key2 LEN", "LCS key1 key2 IDX", "LCS key1 key2 IDX MINMATCHLEN 4",
        "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN", "LCS key1 key2 IDX WITHMATCHLEN", "LCS key1 key2 idx minmatchlen -5 withmatchlen",
        "LCS key1 key2 LEN IDX", "LCS key1 key2 MINMATCHLEN", "LCS key1 key2 MINMATCHLEN x", "LCS key1 key2 BOGUS", "LCS key1 missing",
        "LCS missing key1 IDX", "LCS missing other LEN", "LCS key1 key1 IDX WITHMATCHLEN", "MSET x ABCBDAB y BDCABA", "LCS x y",
        "LCS x y IDX WITHMATCHLEN", "LCS y x IDX", "MSET p aaaa q aa", "LCS p q IDX", "LCS q p IDX", "HSET h f v", "LCS h key1",
        "LCS key1 h", "LCS h key1 BOGUS", "LCS key1", "LCS");

    [Fact]
    public async Task Resp3_replies_match_redis()
    {
        // HELLO's own reply carries the client id, which differs; everything after it must not.
        var script = new[]
        {
            "HELLO 3", "MSET key1 ohmytext key2 mynewtext", "LCS key1 key2 IDX WITHMATCHLEN", "MGET key1 nope", "GETEX nope", "GETDEL nope",
            "GETSET nope x", "INCRBYFLOAT f 1.5", "GETRANGE nope 0 1", "SETNX key1 x",
        }.Select(c => c.Split(' ')).ToArray();
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        Assert.Equal(theirs.Skip(1), ours.Skip(1));
    }

    [Fact]
    public Task Write_commands_over_wrong_types_leave_them_alone() => SameAsync(
        "HSET h f v", "SETRANGE h 0 x", "APPEND h x", "INCR h", "INCRBYFLOAT h 1", "GETDEL h", "GETEX h PERSIST", "GET h");

    /// <summary>
    /// <see cref="DifferentialFixture.AssertSameAsync(string[][])"/>, except that while this node has no
    /// HSET yet, "HSET h f v" (the wrong-type key of these scripts) is planted straight into its key space.
    /// </summary>
    private Task SameAsync(params string[] commands) =>
        SameAsync(commands.Select(c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray());

    private async Task SameAsync(params string[][] commands)
    {
        if (redis.Node.Server.Commands.Find("hset") is not null)
        {
            await redis.AssertSameAsync(commands);
            return;
        }

        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, commands);
        var ours = new List<string>();
        await using (var client = await redis.Node.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
            foreach (var command in commands)
            {
                ours.Add(command is ["HSET", var key, var field, var value] ? PlantHash(key, field, value) : await client.CallAsync(command));
            }
        }

        var report = new StringBuilder();
        for (var i = 0; i < commands.Length; i++)
        {
            if (ours[i] != theirs[i])
            {
                report.Append("command: ").AppendJoin(' ', commands[i]).AppendLine()
                    .Append("  redis: ").AppendLine(theirs[i].Replace("\r\n", "\\r\\n", StringComparison.Ordinal))
                    .Append("  ours:  ").AppendLine(ours[i].Replace("\r\n", "\\r\\n", StringComparison.Ordinal));
            }
        }

        Assert.True(report.Length == 0, "Replies differ from redis-server:\n" + report);
    }

    private string PlantHash(string key, string field, string value)
    {
        var keys = redis.Node.Server.Keys;
        using (keys.Enter())
        {
            ref var entry = ref keys.GetOrAdd(Encoding.UTF8.GetBytes(key), out _);
            keys.HashSet(ref entry, Encoding.UTF8.GetBytes(field), Encoding.UTF8.GetBytes(value));
        }

        return ":1\r\n";
    }
}
