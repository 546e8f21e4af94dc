using System.Text.RegularExpressions;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The stream family against redis-server, with explicit ids (so both servers hold the same
/// entries): replies and error strings of every command, RESP2 and RESP3. Replies that hold the
/// clock (ids from "*", idle and delivery times) are compared by shape.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed partial class StreamDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Xadd_ids_and_errors_match_redis() => redis.AssertSameAsync(
        "XADD s 1-1 a 1 b 2", "XADD s 1-1 a 1", "XADD s 0-0 a 1", "XADD t 0-0 a 1", "EXISTS t", "XADD s 1-* a 2", "XADD s 2 c 3",
        "XADD s 5-* x y", "XADD s 5-* x y", "XADD s 4-9 x y", "XADD s NOMKSTREAM 6-0 a b", "XADD nokey NOMKSTREAM 1-1 a b", "EXISTS nokey",
        "XADD s 7-0 a", "XADD s 7-0", "XADD s bad a b", "XADD s 1-bad a b", "XADD s - a b", "XADD s + a b", "XADD s -1 a b",
        "XADD s 18446744073709551616 a b", "XADD s MAXLEN abc 8-0 a b", "XADD s MAXLEN -1 8-0 a b", "XADD s MAXLEN 1 MINID 1 8-0 a b",
        "XADD s LIMIT 10 8-0 a b", "XADD s MAXLEN 5 LIMIT 10 8-0 a b", "XADD s MAXLEN = 3 8-0 a b", "XLEN s", "XRANGE s - +",
        "XADD s MINID = 6 9-0 a b", "XRANGE s - +", "XADD s MAXLEN ~ 1 LIMIT 5 10-0 a b", "XLEN s", "XADD s MINID ~ abc 11-0 a b",
        "XADD s 18446744073709551615-18446744073709551615 a b", "XADD s 18446744073709551615-* a b", "XADD s 1-1 a b", "XLEN s",
        "XADD", "XADD s", "XADD s 1-1", "TYPE s", "OBJECT ENCODING s", "XLEN nokey", "SET str v", "XADD str 1-1 a b", "XLEN str");

    [Fact]
    public Task Ranges_match_redis() => redis.AssertSameAsync(
        "XADD s 1-1 a 1", "XADD s 1-2 b 2", "XADD s 2-0 c 3", "XADD s 5-0 d 4", "XADD s 5-7 e 5",
        "XRANGE s - +", "XREVRANGE s + -", "XRANGE s 1 1", "XRANGE s 1-2 5", "XRANGE s (1-1 +", "XRANGE s - (5-7", "XRANGE s (1-2 (5-0",
        "XRANGE s - + COUNT 2", "XREVRANGE s + - COUNT 2", "XRANGE s - + COUNT 0", "XRANGE s - + COUNT -1", "XRANGE s - + COUNT abc",
        "XRANGE s - + LIMIT 1", "XRANGE s - + COUNT", "XRANGE s 5 1", "XREVRANGE s 1 5", "XRANGE s (- +", "XRANGE s - (+", "XRANGE s ( +",
        "XRANGE s (18446744073709551615-18446744073709551615 +", "XRANGE s - (0-0", "XRANGE s bad +", "XRANGE nokey - +",
        "XRANGE nokey bad +", "XREVRANGE nokey + - COUNT 0", "SET str v", "XRANGE str - +", "XREVRANGE str + -");

    [Fact]
    public Task Deletes_and_trims_match_redis() => redis.AssertSameAsync(
        "XADD s 1-0 a 1", "XADD s 2-0 a 2", "XADD s 3-0 a 3", "XADD s 4-0 a 4", "XADD s 5-0 a 5", "XDEL s 2-0 2-0 9-0", "XDEL s 1",
        "XRANGE s - +", "XDEL s 3-0 bad", "XLEN s", "XDEL nokey 1-1", "XDEL nokey bad", "XTRIM s MAXLEN 2", "XRANGE s - +",
        "XTRIM s MINID 5", "XRANGE s - +", "XTRIM s MINID 6", "XLEN s", "EXISTS s", "XTRIM s", "XTRIM s MAXLEN", "XTRIM s LIMIT 1 MAXLEN 1",
        "XTRIM s MAXLEN ~ 0 LIMIT -1", "XTRIM s MAXLEN 1 LIMIT 1", "XTRIM s FOO 1", "XTRIM nokey MAXLEN 1", "XTRIM nokey FOO",
        "XINFO STREAM s", "XADD s 9-0 a b", "XINFO STREAM s", "XSETID s 8-0", "XSETID s 10-0 ENTRIESADDED 1", "XSETID s 10-0 ENTRIESADDED -1",
        "XSETID s 10-0 ENTRIESADDED 100 MAXDELETEDID 11-0", "XSETID s 12-0 ENTRIESADDED 100 MAXDELETEDID 11-0", "XSETID s 12-0 FOO",
        "XINFO STREAM s", "XSETID nokey 1-1", "XSETID s bad", "SET str v", "XDEL str 1-1", "XTRIM str MAXLEN 1", "XSETID str 1-1");

    [Fact]
    public Task Approximate_trims_drop_whole_blocks_as_redis() => redis.AssertSameAsync(
        [["CONFIG", "SET", "stream-node-max-entries", "10"],
         .. Enumerable.Range(1, 95).Select(i => new[] { "XADD", "s", $"{i}-0", "f", "v" }),
         ["XTRIM", "s", "MAXLEN", "~", "30"], ["XLEN", "s"], ["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "20"], ["XLEN", "s"],
         ["XTRIM", "s", "MINID", "~", "73"], ["XRANGE", "s", "-", "+", "COUNT", "1"],
         ["XADD", "s", "MAXLEN", "~", "5", "96-0", "f", "v"], ["XLEN", "s"], ["CONFIG", "SET", "stream-node-max-entries", "100"]]);

    [Fact]
    public Task Xread_without_blocking_matches_redis() => redis.AssertSameAsync(
        "XADD a 1-0 f 1", "XADD a 2-0 f 2", "XADD b 5-0 g 1", "XREAD STREAMS a 0", "XREAD COUNT 1 STREAMS a b 0 0", "XREAD STREAMS a b 1 5",
        "XREAD STREAMS a $", "XREAD STREAMS nokey a 0 1", "XREAD STREAMS a", "XREAD STREAMS a b 0", "XREAD COUNT abc STREAMS a 0",
        "XREAD COUNT -5 STREAMS a 0", "XREAD BLOCK abc STREAMS a 0", "XREAD BLOCK -1 STREAMS a 0", "XREAD GROUP g c STREAMS a 0",
        "XREAD NOACK STREAMS a 0", "XREAD STREAMS a >", "XREAD STREAMS a bad", "XREAD FOO STREAMS a 0", "XREAD COUNT 1",
        "XREAD BLOCK 10 STREAMS a 2", "SET str v", "XREAD STREAMS str 0", "XREAD STREAMS a str 0 0", "MULTI", "XREAD BLOCK 0 STREAMS a 2", "EXEC");

    [Fact]
    public Task Groups_match_redis() => redis.AssertSameAsync(
        "XADD s 1-0 a 1", "XADD s 2-0 b 2", "XADD s 3-0 c 3", "XGROUP CREATE s g 0", "XGROUP CREATE s g 0", "XGROUP CREATE nokey g 0",
        "XGROUP CREATE nokey g $ MKSTREAM", "XLEN nokey", "XGROUP CREATE s g2 $ ENTRIESREAD 3", "XGROUP CREATE s g3 $ ENTRIESREAD -2",
        "XGROUP CREATE s g3 $ FOO", "XGROUP CREATE s g3 bad", "XGROUP CREATE s g3 - ", "XGROUP SETID s nog 0", "XGROUP SETID s g 1-0 ENTRIESREAD 1",
        "XGROUP SETID s g 1-0 FOO", "XGROUP SETID s g 1-0 MKSTREAM", "XGROUP SETID s g -", "XGROUP SETID nokey2 g 0", "XGROUP CREATECONSUMER s g alice",
        "XGROUP CREATECONSUMER s g alice", "XGROUP CREATECONSUMER s nog alice", "XINFO GROUPS s", "XREADGROUP GROUP g bob COUNT 1 STREAMS s >",
        "XREADGROUP GROUP g bob STREAMS s 0", "XREADGROUP GROUP g bob STREAMS s 2-0", "XREADGROUP GROUP g carol NOACK STREAMS s >",
        "XREADGROUP GROUP g carol STREAMS s >", "XREADGROUP GROUP nog bob STREAMS s >", "XREADGROUP GROUP g bob STREAMS s $",
        "XREADGROUP GROUP g bob STREAMS nokey3 >", "XREADGROUP GROUP g bob STREAMS s", "XREADGROUP STREAMS s >", "XREADGROUP GROUP g STREAMS s >",
        "XINFO GROUPS s", "XPENDING s g", "XACK s g 1-0 9-9", "XACK s g bad", "XACK s nog 1-0", "XACK nokey3 g 1-0", "XPENDING s g",
        "XDEL s 2-0", "XINFO GROUPS s", "XREADGROUP GROUP g bob STREAMS s 0", "XGROUP DELCONSUMER s g bob", "XGROUP DELCONSUMER s g bob",
        "XGROUP DELCONSUMER s nog bob", "XPENDING s g", "XGROUP DESTROY s g2", "XGROUP DESTROY s g2", "XGROUP DESTROY nokey3 g",
        "XINFO GROUPS s", "XGROUP FOO s g", "XGROUP HELP", "SET str v", "XGROUP CREATE str g 0", "XREADGROUP GROUP g c STREAMS str >");

    [Fact]
    public Task Pending_and_claims_match_redis() => redis.AssertSameAsync(
        "XADD s 1-0 a 1", "XADD s 2-0 b 2", "XADD s 3-0 c 3", "XADD s 4-0 d 4", "XGROUP CREATE s g 0",
        "XREADGROUP GROUP g bob COUNT 3 STREAMS s >", "XPENDING s g", "XPENDING s g - + 10 nobody", "XPENDING s g - + 0",
        "XPENDING s g - +", "XPENDING s g IDLE abc - + 10", "XPENDING s g IDLE 10 - +", "XPENDING s g bad + 10", "XPENDING s g - + abc",
        "XPENDING s nog", "XPENDING nokey g", "XPENDING s g - + 10 bob extra more more", "XCLAIM s g alice 0 1-0 JUSTID",
        "XCLAIM s g alice 0 2-0 9-0", "XCLAIM s g alice 0 4-0 FORCE JUSTID", "XCLAIM s g alice 0 4-0 RETRYCOUNT 7 JUSTID", "XPENDING s g",
        "XCLAIM s g alice abc 1-0", "XCLAIM s g alice 0 1-0 FOO", "XCLAIM s g alice 0 1-0 IDLE abc", "XCLAIM s g alice 0 1-0 TIME abc",
        "XCLAIM s g alice 0 1-0 RETRYCOUNT abc", "XCLAIM s g alice 0 1-0 LASTID bad", "XCLAIM s g alice 0 1-0 LASTID 9-0 JUSTID",
        "XINFO GROUPS s", "XCLAIM s nog alice 0 1-0", "XDEL s 3-0", "XCLAIM s g alice 0 3-0", "XPENDING s g",
        "XAUTOCLAIM s g carol 0 0 COUNT 1", "XAUTOCLAIM s g carol 0 0 COUNT 1 JUSTID", "XAUTOCLAIM s g carol 0 (1-0", "XAUTOCLAIM s g carol 0 0",
        "XAUTOCLAIM s g carol 0 0 COUNT 0", "XAUTOCLAIM s g carol 0 0 COUNT abc", "XAUTOCLAIM s g carol abc 0", "XAUTOCLAIM s g carol 0 bad",
        "XAUTOCLAIM s g carol 0 0 FOO", "XAUTOCLAIM s nog carol 0 0", "XADD s 5-0 e 5", "XREADGROUP GROUP g dave STREAMS s >", "XDEL s 5-0",
        "XAUTOCLAIM s g carol 0 0", "XPENDING s g", "SET str v", "XCLAIM str g a 0 1-0", "XAUTOCLAIM str g a 0 0", "XPENDING str g");

    [Fact]
    public Task Info_matches_redis() => redis.AssertSameAsync(
        "XINFO STREAM nokey", "XGROUP CREATE e g $ MKSTREAM", "XINFO STREAM e", "XINFO STREAM e FULL", "XINFO GROUPS e", "XINFO CONSUMERS e g",
        "XADD s 1-0 a 1", "XADD s 2-0 b 2 c 3", "XINFO STREAM s", "XINFO STREAM s FULL", "XINFO STREAM s FULL COUNT 1",
        "XINFO STREAM s FULL COUNT -1", "XINFO STREAM s FULL COUNT abc", "XINFO STREAM s FOO", "XINFO STREAM s FULL FOO 1", "XINFO STREAM s FULL COUNT",
        "XGROUP CREATE s g 0", "XGROUP CREATE s a $", "XINFO GROUPS s", "XINFO CONSUMERS s nog", "XINFO CONSUMERS s g", "XINFO CONSUMERS nokey g",
        "XINFO GROUPS nokey", "XINFO FOO s", "XINFO HELP", "XINFO", "XINFO GROUPS", "SET str v", "XINFO STREAM str", "XINFO GROUPS str");

    [Fact]
    public async Task Resp3_replies_match_redis()
    {
        string[][] script =
        [
            ["HELLO", "3"], ["XADD", "s", "1-0", "a", "1"], ["XADD", "t", "2-0", "b", "2"], ["XREAD", "STREAMS", "s", "t", "0", "0"],
            ["XREAD", "STREAMS", "s", "$"], ["XRANGE", "s", "-", "+", "COUNT", "0"], ["XADD", "nokey", "NOMKSTREAM", "1-1", "a", "b"],
            ["XGROUP", "CREATE", "s", "g", "0"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"], ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"],
            ["XPENDING", "s", "g"], ["XACK", "s", "g", "1-0"], ["XPENDING", "s", "g"], ["XINFO", "STREAM", "s"], ["XINFO", "GROUPS", "s"],
            ["XINFO", "STREAM", "s", "FULL"], ["XAUTOCLAIM", "s", "g", "c", "0", "0"],
        ];
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        for (var i = 1; i < script.Length; i++)
        {
            // XINFO STREAM FULL carries each consumer's seen-time: compare its shape, the rest exactly.
            var (expected, actual) = script[i] is ["XINFO", "STREAM", _, "FULL"] ? (Shape(theirs[i]), Shape(ours[i])) : (theirs[i], ours[i]);
            Assert.True(expected == actual, $"{string.Join(' ', script[i])}: redis {theirs[i]} ours {ours[i]}");
        }
    }

    [Fact]
    public async Task Clock_dependent_replies_have_redis_shape()
    {
        string[][] script =
        [
            ["XADD", "s", "*", "a", "1"], ["XADD", "s", "*", "b", "2"], ["XGROUP", "CREATE", "s", "g", "0"],
            ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">"], ["XPENDING", "s", "g", "-", "+", "10"],
            ["XINFO", "CONSUMERS", "s", "g"], ["XCLAIM", "s", "g", "d", "0", "0-1", "FORCE", "JUSTID"], ["XINFO", "STREAM", "s", "FULL"],
        ];
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        for (var i = 0; i < script.Length; i++)
        {
            Assert.Equal(Shape(theirs[i]), Shape(ours[i]));
        }

        Assert.Matches(@"^\$\d+\r\n\d{13}-0\r\n$", ours[0]);
    }

    /// <summary>A reply with every number replaced: ids and times differ between the servers, the structure must not.</summary>
    private static string Shape(string reply) => Digits().Replace(reply, "#");

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
