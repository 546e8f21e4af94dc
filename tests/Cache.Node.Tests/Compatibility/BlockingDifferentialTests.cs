using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The blocking pops against redis-server, RESP2 and RESP3: served at once, refused, inside
/// MULTI, timed out, and one client blocked while another pushes.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class BlockingDifferentialTests(DifferentialFixture redis)
{
    private static readonly string[] Script =
    [
        "RPUSH l a b c d e", "BLPOP l 0", "BRPOP nothing l 0", "BLMPOP 0 2 nothing l LEFT COUNT 2", "BLMPOP 0 1 l RIGHT",
        "LLEN l", "BLPOP l 0.01", "BRPOP l 0.01", "BLMPOP 0.01 1 l LEFT", "BLMOVE l d LEFT RIGHT 0.01", "BRPOPLPUSH l d 0.01",
        "RPUSH src x y", "BLMOVE src dst RIGHT LEFT 0", "BRPOPLPUSH src dst 0", "LRANGE dst 0 -1", "EXISTS src",
        "BLPOP l -1", "BLPOP l abc", "BLPOP l inf", "BLPOP l nan", "BLMOVE l d UP LEFT 0", "BLMOVE l d LEFT LEFT -2",
        "BLMPOP 0 0 l LEFT", "BLMPOP 0 1 l MIDDLE", "BLMPOP 0 1 l LEFT COUNT 0", "BLMPOP 0 2 l LEFT", "BLMPOP -1 1 l LEFT",
        "BLMPOP x 1 l LEFT", "BLMPOP 0 1 l LEFT COUNT 1 COUNT 2",
        "ZADD z 1 a 2 b 3 c 4 d", "BZPOPMIN z 0", "BZPOPMAX nothing z 0", "BZMPOP 0 1 z MIN COUNT 5", "BZPOPMIN z 0.01",
        "BZMPOP 0.01 1 z MAX", "BZMPOP 0 1 z MIDDLE", "BZMPOP 0 0 z MIN", "BZMPOP 0 1 z MIN COUNT -1", "BZPOPMIN z -3",
        "SET s v", "BLPOP nothing s 0", "BZPOPMIN s 0", "BLMOVE s d LEFT LEFT 0", "BLMPOP 0 1 s LEFT", "BZMPOP 0 1 s MIN",
        "RPUSH l2 v", "BLMOVE l2 s LEFT LEFT 0", "LLEN l2",
        "MULTI", "BLPOP none 0", "BRPOP none 0", "BLMOVE none d LEFT LEFT 0", "BRPOPLPUSH none d 0", "BLMPOP 0 1 none LEFT",
        "BZPOPMIN none 0", "BZPOPMAX none 0", "BZMPOP 0 1 none MIN", "RPUSH none v", "BLPOP none 0", "EXEC",
        "CLIENT UNBLOCK 999999", "CLIENT UNBLOCK 999999 ERROR", "CLIENT UNBLOCK abc", "CLIENT UNBLOCK 1 MAYBE",
        "BLPOP", "BLPOP l", "BLMOVE a b LEFT LEFT", "BLMPOP 0", "BZMPOP 0 1",
    ];

    [Fact]
    public Task Immediate_replies_errors_and_timeouts_match_redis_in_resp2() => redis.AssertSameAsync(Script);

    [Fact]
    public async Task Immediate_replies_errors_and_timeouts_match_redis_in_resp3()
    {
        var commands = Script.Prepend("HELLO 3").Select(c => c.Split(' ')).ToArray();
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, commands);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, commands);
        Assert.Equal(theirs.Skip(1), ours.Skip(1));   // HELLO names the server
    }

    [Theory]
    [InlineData("2", "BLPOP k1 k2 0", "RPUSH k2 a b")]
    [InlineData("2", "BRPOP k1 0", "MULTI|RPUSH k1 a|RPUSH k1 b|EXEC")]
    [InlineData("2", "BLMOVE k1 k2 LEFT RIGHT 0", "RPUSH k1 a b")]
    [InlineData("3", "BLMPOP 0 2 k1 k2 RIGHT COUNT 3", "RPUSH k2 a b c d")]
    [InlineData("3", "BZPOPMIN k1 0", "ZADD k1 2 b 1 a")]
    [InlineData("3", "BZMPOP 0 1 k1 MAX COUNT 2", "ZADD k1 2 b 1 a 3 c")]
    [InlineData("2", "BRPOPLPUSH k1 k2 0", "SET k2 s|RPUSH k1 a")]
    public async Task A_blocked_client_is_served_by_another_clients_push_as_by_redis(string protocol, string blocking, string pushes)
    {
        var ours = await BlockThenPushAsync(redis.Node.Port, protocol, blocking, pushes);
        var theirs = await BlockThenPushAsync(redis.Redis.Port, protocol, blocking, pushes);
        Assert.Equal(theirs, ours);
    }

    private static async Task<List<string>> BlockThenPushAsync(int port, string protocol, string blocking, string pushes)
    {
        await using var blocker = await RespTestClient.ConnectAsync(port);
        await using var pusher = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await pusher.CallAsync("FLUSHALL"));
        await blocker.CallAsync("HELLO", protocol);
        await blocker.SendAsync(blocking.Split(' '));
        await BlockedAsync(pusher);
        var replies = new List<string>();
        foreach (var push in pushes.Split('|'))
        {
            replies.Add(await pusher.CallAsync(push.Split(' ')));
        }

        replies.Add(await blocker.ReadReplyAsync());
        replies.Add(await pusher.CallAsync("DBSIZE"));
        return replies;
    }

    /// <summary>Polls INFO clients (as Redis' own wait_for_blocked_client does) until one client is blocked.</summary>
    private static async Task BlockedAsync(RespTestClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!(await client.CallAsync("INFO", "clients")).Contains("blocked_clients:1\r\n", StringComparison.Ordinal))
        {
            Assert.False(timeout.IsCancellationRequested, "timed out waiting for the client to block");
            await Task.Delay(10, CancellationToken.None);
        }
    }
}
