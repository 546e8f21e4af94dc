using Cache.Node.Tests.Commands;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The set family against redis-server. Scripts compare replies whole where the order is
/// fixed (one member, an intset's ascending order, counts, errors); listings of bigger
/// hashtable sets are compared as sorted members.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class SetDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Basics_match_redis() => redis.AssertSameAsync(
        "SADD s 3 1 2", "SADD s 2 4", "SCARD s", "SCARD nokey", "SISMEMBER s 2", "SISMEMBER s 9", "SISMEMBER nokey 1",
        "SMISMEMBER s 1 9 2", "SMISMEMBER nokey a b", "SMEMBERS s", "SMEMBERS nokey", "SREM s 1 9", "SREM s 9", "SREM nokey a",
        "SMEMBERS s", "SREM s 2 3 4 4", "EXISTS s", "SADD one x", "SMEMBERS one", "SADD one x", "SREM one x", "EXISTS one",
        "SADD big 9223372036854775807 -9223372036854775808 0", "SMEMBERS big", "SISMEMBER big 9223372036854775807");

    [Fact]
    public Task Arity_and_type_errors_match_redis() => redis.AssertSameAsync(
        "SADD", "SADD s", "SREM s", "SCARD", "SCARD s x", "SISMEMBER s", "SMISMEMBER s", "SMEMBERS", "SRANDMEMBER", "SPOP",
        "SMOVE a b", "SSCAN s", "SINTER", "SINTERCARD", "SINTERCARD 1", "SUNION", "SDIFF", "SINTERSTORE d", "SUNIONSTORE d", "SDIFFSTORE d",
        "SET str v", "SADD str a", "SREM str a", "SCARD str", "SISMEMBER str a", "SMISMEMBER str a", "SMEMBERS str", "SRANDMEMBER str",
        "SRANDMEMBER str 2", "SPOP str", "SPOP str 2", "SSCAN str 0", "SINTER str", "SINTERCARD 1 str", "SUNION str", "SDIFF str",
        "SADD s a", "SINTER nokey str", "SUNION nokey str", "SDIFF nokey str", "SDIFF s str", "SINTERSTORE d s str", "SMOVE str s a",
        "SMOVE s str a", "SMOVE nokey str a", "GET str");

    [Fact]
    public Task Random_members_of_a_single_member_set_match_redis() => redis.AssertSameAsync(
        "SADD one m", "SRANDMEMBER one", "SRANDMEMBER one 1", "SRANDMEMBER one -3", "SRANDMEMBER one 5", "SRANDMEMBER one 0",
        "SRANDMEMBER nokey", "SRANDMEMBER nokey 3", "SRANDMEMBER nokey -3", "SRANDMEMBER one a", "SRANDMEMBER one 1.5",
        "SRANDMEMBER one -9223372036854775808", "SRANDMEMBER one 9223372036854775808", "SRANDMEMBER one 1 2",
        "SPOP one 0", "SPOP one a", "SPOP one -1", "SPOP one 1 2", "SPOP nokey", "SPOP nokey 2", "SPOP one", "EXISTS one",
        "SADD two 5 6", "SPOP two 5", "EXISTS two", "SADD three 7", "SPOP three 1", "EXISTS three");

    [Fact]
    public Task Smove_matches_redis() => redis.AssertSameAsync(
        "SADD a 1 2 x", "SADD b 3", "SMOVE a b 1", "SMEMBERS b", "SMOVE a b 1", "SMOVE a b nope", "SMOVE a a 2", "SMOVE a a nope",
        "SMOVE a fresh 2", "SMEMBERS fresh", "SMOVE nokey b 1", "SMOVE a b x", "EXISTS a", "SCARD b", "SISMEMBER b x", "SMOVE b b 9");

    [Fact]
    public Task Set_algebra_on_intsets_matches_redis() => redis.AssertSameAsync(
        "SADD a 1 2 3 4", "SADD b 3 4 5", "SADD c 4 5 6", "SINTER a b", "SINTER a b c", "SINTER a nokey", "SINTER a a",
        "SINTERCARD 2 a b", "SINTERCARD 3 a b c", "SINTERCARD 2 a b LIMIT 1", "SINTERCARD 2 a b limit 0", "SINTERCARD 2 a nokey",
        "SUNION a b", "SUNION a nokey c", "SUNION nokey", "SDIFF a b", "SDIFF a b c", "SDIFF a a", "SDIFF nokey a", "SDIFF a nokey",
        "SINTERSTORE d a b", "SMEMBERS d", "SUNIONSTORE d a b c", "SMEMBERS d", "SDIFFSTORE d a b", "SMEMBERS d",
        "SINTERSTORE d a nokey", "EXISTS d", "SET d v", "EXPIRE d 100", "SUNIONSTORE d a", "TTL d", "SMEMBERS d",
        "SDIFFSTORE d a a", "EXISTS d", "SINTERSTORE a a b", "SMEMBERS a", "SUNIONSTORE nothing nokey", "EXISTS nothing");

    [Fact]
    public Task Sintercard_argument_errors_match_redis() => redis.AssertSameAsync(
        "SADD s a", "SINTERCARD 0 s", "SINTERCARD a s", "SINTERCARD -1 s", "SINTERCARD 2 s", "SINTERCARD 3 s t",
        "SINTERCARD 1 s t", "SINTERCARD 1 s bar", "SINTERCARD 1 s LIMIT", "SINTERCARD 1 s LIMIT -1", "SINTERCARD 1 s LIMIT a",
        "SINTERCARD 1 s LIMIT 1 LIMIT 2", "SINTERCARD 1 nokey LIMIT 5");

    [Fact]
    public Task Sscan_matches_redis() => redis.AssertSameAsync([
        .. Words("SADD s 10 2 33", "SSCAN s 0", "SSCAN s 0 MATCH 3*", "SSCAN s 0 COUNT 1", "SSCAN s 0 MATCH * COUNT 100",
        "SADD h word", "SSCAN h 0", "SSCAN h 0 MATCH w?rd", "SSCAN h 0 MATCH x", "SSCAN s abc", "SSCAN s 1.5", "SSCAN s 18446744073709551616",
        "SSCAN s 0 COUNT 0", "SSCAN s 0 COUNT -1", "SSCAN s 0 COUNT abc", "SSCAN s 0 MATCH", "SSCAN s 0 BOGUS x", "SSCAN nokey 0",
        "SSCAN nokey 0 BOGUS", "SSCAN nokey abc"), ["SSCAN", "s", ""], ["SSCAN", "s", "-"], ["SSCAN", "s", "+0"]]);

    [Fact]
    public Task Resp3_replies_match_redis() => AssertSameResp3Async(
        "SADD s 1", "SMEMBERS s", "SMEMBERS nokey", "SRANDMEMBER s", "SRANDMEMBER nokey", "SRANDMEMBER s 3", "SRANDMEMBER s -2",
        "SRANDMEMBER nokey 2", "SMISMEMBER s 1 2", "SINTER s s", "SINTER s nokey", "SUNION s nokey", "SDIFF s nokey", "SDIFF nokey s",
        "SINTERCARD 1 s", "SSCAN s 0", "SPOP nokey", "SPOP nokey 2", "SPOP s 0", "SADD p 9", "SPOP p 3", "SADD q 8", "SPOP q",
        "SADD r 1 2 3", "SPOP r 3", "SADD t 4", "SPOP t 1");

    [Fact]
    public async Task Bigger_sets_hold_the_same_members_as_redis()
    {
        // 600 integers (past set-max-intset-entries) and 200 strings (past the packed limits).
        string[] ints = ["SADD", "ints", .. Enumerable.Range(0, 600).Select(i => (i * 7).ToString())];
        string[] words = ["SADD", "words", .. Enumerable.Range(0, 200).Select(i => "w" + (i * 3))];
        string[][] script =
        [
            ints, words, ["SADD", "words", "0", "7", "14"], ["SREM", "ints", "0", "7"], ["SCARD", "ints"], ["SCARD", "words"],
            ["SMEMBERS", "ints"], ["SINTER", "ints", "words"], ["SUNION", "ints", "words"], ["SDIFF", "words", "ints"],
            ["SINTERCARD", "2", "ints", "words"], ["SINTERSTORE", "d", "words", "ints"], ["SMEMBERS", "d"], ["SUNIONSTORE", "u", "ints", "words"],
            ["SCARD", "u"], ["SRANDMEMBER", "words", "500"], ["SPOP", "words", "1000"], ["EXISTS", "words"],
        ];
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        for (var i = 0; i < script.Length; i++)
        {
            var name = string.Join(' ', script[i].Take(3));
            Assert.True(theirs[i][0] == ours[i][0], $"{name}: redis {theirs[i]} ours {ours[i]}");
            Assert.True(
                RespText.Bulks(theirs[i]).Order(StringComparer.Ordinal).SequenceEqual(RespText.Bulks(ours[i]).Order(StringComparer.Ordinal)),
                $"{name}: the members differ");
            if (theirs[i][0] == ':')
            {
                Assert.Equal(theirs[i], ours[i]);
            }
        }
    }

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
