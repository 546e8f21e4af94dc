using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The hash family against redis-server. Scripts keep to replies that must be identical:
/// multi-field HGETALL/HKEYS/HVALS order is compared sorted in <see cref="HashOrderTests"/>.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class HashDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Hset_hget_and_friends_match_redis() => redis.AssertSameAsync(
        "HSET h f v", "HGET h f", "HGET h nope", "HGET nokey f", "HSET h f v2 g w", "HSET h f v2 g w", "HGET h f",
        "HLEN h", "HLEN nokey", "HEXISTS h f", "HEXISTS h nope", "HEXISTS nokey f",
        "HSTRLEN h f", "HSTRLEN h nope", "HSTRLEN nokey f", "HMGET h f nope g", "HMGET nokey a b",
        "HSET h f v3 f v4", "HGET h f", "HLEN h");

    [Fact]
    public Task Single_field_listings_match_redis() => redis.AssertSameAsync(
        "HSET one f v", "HGETALL one", "HKEYS one", "HVALS one", "HGETALL nokey", "HKEYS nokey", "HVALS nokey");

    [Fact]
    public Task Binary_and_empty_fields_match_redis() => redis.AssertSameAsync(
        ["HSET", "h", "", "empty field"], ["HGET", "h", ""], ["HSET", "h", "e", ""], ["HGET", "h", "e"], ["HSTRLEN", "h", "e"],
        ["HSET", "h", "sp ace", "a\r\nb"], ["HGET", "h", "sp ace"], ["HSTRLEN", "h", "sp ace"], ["HLEN", "h"]);

    [Fact]
    public Task Hsetnx_and_hmset_match_redis() => redis.AssertSameAsync(
        "HSETNX h f v", "HSETNX h f other", "HGET h f", "HSETNX h g w", "HLEN h", "HSETNX fresh f v", "HGET fresh f",
        "HMSET m a 1 b 2", "HMGET m a b c", "HMSET m a 3", "HGET m a", "HMSET m a", "HMSET m a 1 b", "HMSET m");

    [Fact]
    public Task Hdel_removes_fields_and_the_emptied_hash_like_redis() => redis.AssertSameAsync(
        "HSET h a 1 b 2 c 3", "HDEL h a nope", "HDEL h a", "HLEN h", "DBSIZE", "HDEL h b c c", "HLEN h", "DBSIZE",
        "SET h now-a-string NX", "GET h", "HDEL nokey a", "HDEL h a");

    [Fact]
    public Task Arity_errors_match_redis() => redis.AssertSameAsync(
        "HSET", "HSET h", "HSET h f", "HSET h f v g", "HSET h f v g w x", "HMSET h f", "HMSET h f v g", "HSETNX h f", "HSETNX h f v x",
        "HGET h", "HGET h f x", "HMGET h", "HDEL h", "HEXISTS h", "HLEN", "HLEN h x", "HKEYS", "HVALS", "HGETALL",
        "HINCRBY h f", "HINCRBYFLOAT h f", "HSTRLEN h", "HSCAN h", "HRANDFIELD", "DBSIZE");

    [Fact]
    public Task Wrong_type_errors_match_redis() => redis.AssertSameAsync(
        "SET s v", "HSET s f v", "HMSET s f v", "HSETNX s f v", "HGET s f", "HMGET s f", "HGETALL s", "HDEL s f", "HEXISTS s f",
        "HLEN s", "HKEYS s", "HVALS s", "HINCRBY s f 1", "HINCRBYFLOAT s f 1", "HSTRLEN s f", "HSCAN s 0", "HSCAN s 0 BOGUS",
        "HRANDFIELD s", "HRANDFIELD s 1", "HRANDFIELD s -1 WITHVALUES", "HRANDFIELD s abc", "HSET s", "GET s");

    [Fact]
    public Task Hincrby_matches_redis() => redis.AssertSameAsync(
        "HINCRBY h n 5", "HINCRBY h n -12", "HINCRBY h n 0", "HGET h n", "HINCRBY fresh n 1", "HGET fresh n",
        "HINCRBY h n abc", "HINCRBY h n 1.5", "HINCRBY h n 9223372036854775808", "HINCRBY h n 007",
        "HSET h max 9223372036854775807 min -9223372036854775808 f 1.5 s abc z 01 big 9223372036854775808",
        "HINCRBY h max 1", "HINCRBY h max 0", "HINCRBY h max -1", "HINCRBY h min -1", "HINCRBY h min 1", "HGET h min",
        "HINCRBY h max -9223372036854775808", "HINCRBY h f 1", "HINCRBY h s 1", "HINCRBY h z 1", "HINCRBY h big 1",
        "HINCRBY h neg -9223372036854775808", "HINCRBY h neg -1", "HINCRBY h neg 9223372036854775807", "HGET h neg");

    [Fact]
    public Task Hincrbyfloat_matches_redis() => redis.AssertSameAsync([
        .. Words("HINCRBYFLOAT h f 1.5", "HINCRBYFLOAT h f 2.25", "HINCRBYFLOAT h f -10", "HGET h f", "HINCRBYFLOAT h f 10.75", "HGET h f",
        "HINCRBYFLOAT h y 1.10", "HINCRBYFLOAT h y 2.2", "HINCRBYFLOAT h t 0.1", "HINCRBYFLOAT h t 0.2", "HINCRBYFLOAT h t 1.5e-5", "HINCRBYFLOAT h big 123456789012345678", "HINCRBYFLOAT h z 0", "HINCRBYFLOAT h e 5.0e3", "HINCRBYFLOAT h e 1", "HINCRBYFLOAT h i 3",
        "HINCRBYFLOAT h f abc", "HINCRBYFLOAT h f inf", "HINCRBYFLOAT h f -inf", "HINCRBYFLOAT h f nan", "HINCRBYFLOAT h f 1,5",
        "HSET h s abc n 12 lz 01 inf inf e2 5.0e3", "HINCRBYFLOAT h s 1", "HINCRBYFLOAT h n 0.5", "HINCRBYFLOAT h lz 1",
        "HINCRBYFLOAT h inf 1", "HGET h inf", "HINCRBYFLOAT h e2 1", "HINCRBY h e2 1", "HINCRBYFLOAT fresh f 2.5", "HGET fresh f"),
        ["HSET", "h", "sp", " 1"], ["HINCRBYFLOAT", "h", "sp", "1"], ["HINCRBY", "h", "sp", "1"], ["HINCRBYFLOAT", "h", "f", " 1"]]);

    [Fact]
    public Task Hscan_matches_redis() => redis.AssertSameAsync([
        .. Words("HSET h field value", "HSCAN h 0", "HSCAN h 0 MATCH f*", "HSCAN h 0 MATCH x*", "HSCAN h 0 MATCH *", "HSCAN h 0 COUNT 100",
        "HSCAN h 0 count 5 match fie?d count 3", "HSET m a 1 b 2 c 3", "HSCAN m 0 MATCH b", "HSCAN m 0 MATCH [^ac]",
        "HSCAN h abc", "HSCAN h 1.5", "HSCAN h 18446744073709551616", "HSCAN h 0 COUNT 0", "HSCAN h 0 COUNT -1", "HSCAN h 0 COUNT abc",
        "HSCAN h 0 COUNT 9223372036854775808", "HSCAN h 0 MATCH", "HSCAN h 0 COUNT", "HSCAN h 0 BOGUS x", "HSCAN h 0 MATCH a BOGUS",
        "HSCAN nokey 0", "HSCAN nokey 0 BOGUS", "HSCAN nokey abc"), ["HSCAN", "h", ""], ["HSCAN", "h", " 0"], ["HSCAN", "h", "0 "],
        ["HSCAN", "h", "+"], ["HSCAN", "h", "-"], ["HSCAN", "h", "+0"], ["HSCAN", "h", "0x0"]]);

    [Fact]
    public Task Hrandfield_on_a_single_field_matches_redis() => redis.AssertSameAsync(
        "HSET one f v", "HRANDFIELD one", "HRANDFIELD one 1", "HRANDFIELD one -3", "HRANDFIELD one -3 WITHVALUES",
        "HRANDFIELD one 5 withvalues", "HRANDFIELD one 1 WITHVALUES", "HRANDFIELD one 5", "HRANDFIELD one 0", "HRANDFIELD one 0 WITHVALUES",
        "HRANDFIELD nokey", "HRANDFIELD nokey 5", "HRANDFIELD nokey -5 WITHVALUES", "HRANDFIELD nokey 0");

    [Fact]
    public Task Hrandfield_errors_match_redis() => redis.AssertSameAsync(
        "HSET one f v", "HRANDFIELD one abc", "HRANDFIELD one 1.5", "HRANDFIELD one 1 WITHVALUE", "HRANDFIELD one 1 WITHVALUES x",
        "HRANDFIELD one -9223372036854775808", "HRANDFIELD one 9223372036854775808",
        "HRANDFIELD one 4611686018427387904 WITHVALUES", "HRANDFIELD one -4611686018427387904 WITHVALUES",
        "HRANDFIELD nokey abc", "HRANDFIELD nokey 1 BOGUS", "HRANDFIELD nokey -4611686018427387904 WITHVALUES");

    [Fact]
    public Task Resp3_replies_match_redis() => AssertSameResp3Async(
        "HSET h f v", "HGETALL h", "HGETALL nokey", "HMGET h f nope", "HMGET nokey a", "HGET h nope", "HKEYS h", "HVALS h",
        "HRANDFIELD h", "HRANDFIELD nokey", "HRANDFIELD h 1 WITHVALUES", "HRANDFIELD h -2 WITHVALUES", "HRANDFIELD h 3 WITHVALUES",
        "HRANDFIELD h -2", "HRANDFIELD nokey 2 WITHVALUES", "HSCAN h 0", "HSCAN nokey 0", "HINCRBYFLOAT h n 1.5", "HINCRBY h i 2");

    [Fact]
    public Task Aspnet_redis_cache_commands_match_redis() => redis.AssertSameAsync(
        ["HSET", "app:k", "absexp", "638000000000000000", "sldexp", "-1", "data", "\u0001\u0002payload"],
        ["HMGET", "app:k", "absexp", "sldexp", "data"], ["HMGET", "app:k", "absexp", "sldexp"],
        ["HMGET", "app:missing", "absexp", "sldexp", "data"],
        ["HMSET", "app:old", "absexp", "-1", "sldexp", "600000000", "data", "x"], ["HMGET", "app:old", "absexp", "sldexp", "data"]);

    private static string[][] Words(params string[] commands) => [.. commands.Select(c => c.Split(' '))];

    /// <summary>Runs a script on RESP3 connections (after HELLO 3, whose reply holds a client id and is skipped).</summary>
    private async Task AssertSameResp3Async(params string[] commands)
    {
        string[][] script = [["HELLO", "3"], .. Words(commands)];
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        for (var i = 1; i < script.Length; i++)
        {
            Assert.True(theirs[i] == ours[i], $"{string.Join(' ', script[i])}: redis {theirs[i]} ours {ours[i]}");
        }
    }
}
