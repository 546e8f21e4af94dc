using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The non-blocking list family against redis-server: replies and error strings, on small lists
/// and on lists past list-max-listpack-size (several nodes here), in RESP2 and where replies
/// differ in RESP3.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ListDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Pushes_pops_and_lengths_match_redis() => redis.AssertSameAsync(
        "LPUSH l a b c", "RPUSH l d e", "LLEN l", "LRANGE l 0 -1", "LPUSHX l x", "RPUSHX l y", "LPUSHX nokey x", "RPUSHX nokey x",
        "EXISTS nokey", "LPOP l", "RPOP l", "LPOP l 2", "RPOP l 2", "LPOP l 0", "RPOP l 0", "LPOP l 100", "EXISTS l",
        "LPOP nokey", "RPOP nokey", "LPOP nokey 0", "RPOP nokey 3", "LPOP l -1", "LPOP l abc", "LPOP l 1 2", "LLEN nokey",
        "RPUSH one x", "RPOP one", "EXISTS one", "LPUSH", "LPUSH l", "LPOP", "LLEN", "LLEN a b");

    [Fact]
    public Task Indexes_and_ranges_match_redis() => redis.AssertSameAsync(
        "RPUSH l a b c d e f", "LINDEX l 0", "LINDEX l -1", "LINDEX l 5", "LINDEX l 6", "LINDEX l -7", "LINDEX l abc", "LINDEX nokey abc",
        "LRANGE l 0 -1", "LRANGE l 1 3", "LRANGE l -3 -1", "LRANGE l -100 100", "LRANGE l 4 2", "LRANGE l 6 10", "LRANGE l 0 -7",
        "LRANGE l a 1", "LRANGE nokey 0 -1", "LRANGE nokey a 1", "LSET l 0 X", "LSET l -1 Y", "LSET l 6 Z", "LSET l -7 Z", "LSET l abc Z",
        "LSET nokey 0 Z", "LSET nokey abc Z", "LRANGE l 0 -1");

    [Fact]
    public Task Insert_remove_and_trim_match_redis() => redis.AssertSameAsync(
        "RPUSH l a b c a b c a", "LINSERT l BEFORE b X", "LINSERT l after c Y", "LINSERT l middle c Z", "LINSERT l before nope Z",
        "LINSERT nokey before a b", "LRANGE l 0 -1", "LREM l 2 a", "LREM l -1 c", "LREM l 0 b", "LREM l 0 nope", "LREM l abc a",
        "LREM nokey 0 a", "LRANGE l 0 -1", "LTRIM l 1 -2", "LRANGE l 0 -1", "LTRIM l 0 100", "LTRIM l 5 1", "EXISTS l",
        "LTRIM nokey 0 1", "LTRIM l a 1", "RPUSH r 1 2 3 4 5", "LTRIM r -2 -1", "LRANGE r 0 -1", "LREM r 0 4", "LREM r 0 5", "EXISTS r",
        "RPUSH m x x x", "LREM m -9223372036854775808 x", "EXISTS m");

    [Fact]
    public Task Lpos_matches_redis() => redis.AssertSameAsync(
        "RPUSH l a b c 1 2 3 c c", "LPOS l a", "LPOS l c", "LPOS l x", "LPOS l c RANK 2", "LPOS l c RANK -1", "LPOS l c RANK -2",
        "LPOS l c RANK 4", "LPOS l c COUNT 0", "LPOS l c COUNT 2", "LPOS l c COUNT 2 RANK -1", "LPOS l c COUNT 0 MAXLEN 3",
        "LPOS l c COUNT 0 MAXLEN 3 RANK -1", "LPOS l c RANK 0", "LPOS l c RANK -9223372036854775808", "LPOS l c RANK abc",
        "LPOS l c COUNT -1", "LPOS l c COUNT abc", "LPOS l c MAXLEN -1", "LPOS l c BOGUS", "LPOS l c COUNT", "LPOS nokey c",
        "LPOS nokey c COUNT 1", "LPOS nokey c BOGUS", "LPOS l x COUNT 3");

    [Fact]
    public Task Moves_match_redis() => redis.AssertSameAsync(
        "RPUSH src a b c", "LMOVE src dst LEFT RIGHT", "LMOVE src dst right left", "RPOPLPUSH src dst", "LRANGE dst 0 -1",
        "EXISTS src", "LMOVE src dst LEFT LEFT", "RPOPLPUSH src dst", "LMOVE dst dst LEFT RIGHT", "LRANGE dst 0 -1",
        "LMOVE dst src UP LEFT", "LMOVE dst src LEFT DOWN", "SET s v", "LMOVE s dst LEFT LEFT", "LMOVE dst s LEFT LEFT",
        "RPOPLPUSH dst s", "LRANGE dst 0 -1", "RPUSH one x", "RPOPLPUSH one one", "LRANGE one 0 -1", "LMOVE nokey s LEFT LEFT");

    [Fact]
    public Task Lmpop_matches_redis() => redis.AssertSameAsync(
        "RPUSH a 1 2 3", "RPUSH b 4 5", "LMPOP 2 nokey a LEFT", "LMPOP 2 nokey a RIGHT COUNT 5", "LMPOP 2 a b left count 1",
        "LMPOP 1 b LEFT COUNT 10", "LMPOP 2 a b LEFT", "LMPOP 0 a LEFT", "LMPOP a a LEFT", "LMPOP -1 a LEFT", "LMPOP 1 a bad",
        "LMPOP 1 a LEFT bar", "LMPOP 1 a RIGHT LEFT", "LMPOP 1 a COUNT", "LMPOP 1 a LEFT COUNT 1 COUNT 2", "LMPOP 1 a LEFT COUNT 0",
        "LMPOP 1 a LEFT COUNT a", "LMPOP 1 a LEFT COUNT -1", "LMPOP 5 a LEFT", "SET s v", "LMPOP 2 nokey s LEFT", "LMPOP 1 a", "LMPOP 1");

    [Fact]
    public Task Wrong_type_errors_match_redis() => redis.AssertSameAsync(
        "SET s v", "LPUSH s a", "RPUSH s a", "LPUSHX s a", "RPUSHX s a", "LPOP s", "RPOP s 2", "LLEN s", "LRANGE s 0 -1",
        "LRANGE s a 1", "LINDEX s 0", "LINDEX s abc", "LSET s 0 v", "LINSERT s before a b", "LINSERT s middle a b", "LREM s 0 a",
        "LTRIM s 0 1", "LPOS s a", "LPOS s a BOGUS", "LMOVE s d LEFT LEFT", "RPOPLPUSH s d", "LMPOP 1 s LEFT", "GET s",
        "RPUSH l a", "GET l", "HSET l f v", "TYPE l");

    [Fact]
    public Task Lists_past_the_node_limit_match_redis() => redis.AssertSameAsync([
        ["CONFIG", "SET", "list-max-listpack-size", "3"],
        .. Words("RPUSH q 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", "LINDEX q 13", "LSET q 13 X", "LINSERT q before 7 Y",
            "LINSERT q after 20 Z", "LRANGE q 0 -1", "LRANGE q 5 12", "LREM q -1 Y", "LPOS q 15", "LPOS q 15 RANK -1",
            "LPOS q 3 COUNT 0 MAXLEN 5", "LTRIM q 3 -3", "LRANGE q 0 -1", "RPOP q 5", "LPOP q 3", "LRANGE q 0 -1",
            "LPUSH q a b c d e f g", "LMOVE q q RIGHT LEFT", "LRANGE q 0 -1", "LREM q 0 a", "LMPOP 1 q RIGHT COUNT 4", "LRANGE q 0 -1", "LLEN q"),
        ["CONFIG", "SET", "list-max-listpack-size", "-2"],
        ["RPUSH", "big", new string('x', 5000), new string('y', 5000), "small", new string('z', 9000)],
        ["LRANGE", "big", "1", "2"], ["LINDEX", "big", "-1"], ["LSET", "big", "2", new string('w', 7000)], ["RPOP", "big", "2"], ["LLEN", "big"]]);

    [Fact]
    public Task Arity_errors_match_redis() => redis.AssertSameAsync(
        "RPUSHX l", "LPUSHX l", "RPOP", "LRANGE l 0", "LINDEX l", "LSET l 0", "LINSERT l before a", "LREM l 0", "LTRIM l 0",
        "LPOS l", "LMOVE a b LEFT", "RPOPLPUSH a", "LMPOP");

    [Fact]
    public Task Resp3_null_and_empty_replies_match_redis() => AssertSameResp3Async(
        "LPOP nokey", "LPOP nokey 1", "RPOP nokey 0", "LINDEX nokey 0", "LPOS nokey a", "LPOS nokey a COUNT 0", "LMPOP 1 nokey LEFT",
        "LMOVE nokey d LEFT LEFT", "RPOPLPUSH nokey d", "RPUSH l a b", "LPOP l 0", "LPOS l x", "LINDEX l 5", "LMPOP 1 l LEFT COUNT 5");

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
