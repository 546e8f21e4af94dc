using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands.Blocking;

/// <summary>
/// Blocking pops on one node over real sockets, two clients (one blocks, one pushes), with a
/// fake clock for timeouts: FIFO service, wake after EXEC, MULTI, disconnect, CLIENT UNBLOCK.
/// </summary>
public sealed class BlockingCommandTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2029, 7, 3, 11, 47, 5, TimeSpan.Zero));
    private TestNode _node = null!;
    private RespTestClient _blocker = null!;
    private RespTestClient _pusher = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(options => options.Hz = 1, _time);
        _blocker = await _node.ConnectAsync();
        _pusher = await _node.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _blocker.DisposeAsync();
        await _pusher.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Blpop_waits_for_a_push_from_another_client()
    {
        await _blocker.SendAsync("BLPOP", "a", "list", "0");
        await BlockedAsync(1);
        Assert.Contains("blocked_clients:1\r\n", await _pusher.CallAsync("INFO", "clients"));
        Assert.Contains("flags=b ", await _pusher.CallAsync("CLIENT", "LIST"));
        Assert.Equal(":2\r\n", await _pusher.CallAsync("RPUSH", "list", "x", "y"));
        Assert.Equal("*2\r\n$4\r\nlist\r\n$1\r\nx\r\n", await _blocker.ReadReplyAsync());
        Assert.Equal("*1\r\n$1\r\ny\r\n", await _pusher.CallAsync("LRANGE", "list", "0", "-1"));
        await BlockedAsync(0);
    }

    [Fact]
    public async Task An_available_element_is_served_at_once_from_the_first_non_empty_key()
    {
        await _pusher.CallAsync("RPUSH", "second", "s1", "s2");
        Assert.Equal("*2\r\n$6\r\nsecond\r\n$2\r\ns2\r\n", await _blocker.CallAsync("BRPOP", "first", "second", "0"));
        await _pusher.CallAsync("SET", "str", "v");
        Assert.StartsWith("-WRONGTYPE", await _blocker.CallAsync("BLPOP", "first", "str", "0"));
    }

    [Fact]
    public async Task Timeouts_follow_the_clock_in_seconds_with_decimals()
    {
        await _blocker.SendAsync("BLPOP", "list", "1.5");
        await BlockedAsync(1);
        Assert.Contains("clients_in_timeout_table:1\r\n", await _pusher.CallAsync("INFO", "clients"));
        _time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Equal(1, _node.Server.Blocking.BlockedCount);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("*-1\r\n", await _blocker.ReadReplyAsync());
        await BlockedAsync(0);
    }

    [Fact]
    public async Task A_timeout_reply_is_resp3_null_after_hello_3()
    {
        await _blocker.CallAsync("HELLO", "3");
        await _blocker.SendAsync("BZPOPMIN", "zset", "0.01");
        await BlockedAsync(1);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        Assert.Equal("_\r\n", await _blocker.ReadReplyAsync());
    }

    [Theory]
    [InlineData("-1", "-ERR timeout is negative\r\n")]
    [InlineData("abc", "-ERR timeout is not a float or out of range\r\n")]
    [InlineData("-inf", "-ERR timeout is negative\r\n")]
    [InlineData(" 1", "-ERR timeout is not a float or out of range\r\n")]
    public async Task Bad_timeouts_are_refused_as_redis_does(string timeout, string error)
    {
        Assert.Equal(error, await _blocker.CallAsync("BLPOP", "list", timeout));
        Assert.Equal(error, await _blocker.CallAsync("BLMOVE", "list", "dst", "LEFT", "RIGHT", timeout));
        Assert.Equal(error, await _blocker.CallAsync("BZPOPMAX", "zset", timeout));
    }

    [Fact]
    public async Task Waiters_on_a_key_are_served_first_come_first_served()
    {
        await using var second = await _node.ConnectAsync();
        await _blocker.SendAsync("BLPOP", "list", "0");
        await BlockedAsync(1);
        await second.SendAsync("BLPOP", "list", "0");
        await BlockedAsync(2);
        await _pusher.CallAsync("RPUSH", "list", "one");
        Assert.Equal("*2\r\n$4\r\nlist\r\n$3\r\none\r\n", await _blocker.ReadReplyAsync());
        await _pusher.CallAsync("RPUSH", "list", "two");
        Assert.Equal("*2\r\n$4\r\nlist\r\n$3\r\ntwo\r\n", await second.ReadReplyAsync());
    }

    [Fact]
    public async Task Exec_wakes_waiters_after_the_whole_transaction()
    {
        await _blocker.SendAsync("BLPOP", "list", "0");
        await BlockedAsync(1);
        await _pusher.CallAsync("MULTI");
        await _pusher.CallAsync("LPUSH", "list", "a");
        await _pusher.CallAsync("LPUSH", "list", "b");
        await _pusher.CallAsync("LPUSH", "list", "c");
        Assert.Equal("*3\r\n:1\r\n:2\r\n:3\r\n", await _pusher.CallAsync("EXEC"));
        Assert.Equal("*2\r\n$4\r\nlist\r\n$1\r\nc\r\n", await _blocker.ReadReplyAsync());
    }

    [Fact]
    public async Task A_push_undone_in_the_same_transaction_wakes_nobody()
    {
        await _blocker.SendAsync("BLPOP", "list", "0");
        await BlockedAsync(1);
        await _pusher.CallAsync("MULTI");
        await _pusher.CallAsync("LPUSH", "list", "a");
        await _pusher.CallAsync("DEL", "list");
        await _pusher.CallAsync("SET", "list", "now a string");
        await _pusher.CallAsync("EXEC");
        Assert.Equal(1, _node.Server.Blocking.BlockedCount);
        await _pusher.CallAsync("DEL", "list");
        await _pusher.CallAsync("LPUSH", "list", "b");
        Assert.Equal("*2\r\n$4\r\nlist\r\n$1\r\nb\r\n", await _blocker.ReadReplyAsync());
    }

    [Fact]
    public async Task Inside_multi_blocking_commands_answer_as_their_non_blocking_forms()
    {
        await _pusher.CallAsync("RPUSH", "list", "x");
        await _blocker.CallAsync("MULTI");
        await _blocker.CallAsync("BLPOP", "list", "0");
        await _blocker.CallAsync("BLPOP", "list", "0");
        await _blocker.CallAsync("BLMOVE", "list", "dst", "LEFT", "LEFT", "0");
        await _blocker.CallAsync("BZPOPMIN", "zset", "0");
        await _blocker.CallAsync("BLMPOP", "0", "1", "list", "LEFT");
        Assert.Equal("*5\r\n*2\r\n$4\r\nlist\r\n$1\r\nx\r\n*-1\r\n$-1\r\n*-1\r\n*-1\r\n", await _blocker.CallAsync("EXEC"));
        Assert.Equal(0, _node.Server.Blocking.BlockedCount);
    }

    [Fact]
    public async Task Commands_pipelined_behind_a_blocked_one_wait_for_it()
    {
        await _blocker.SendRawAsync([.. RespTestClient.Encode("PING", "before"), .. RespTestClient.Encode("BLPOP", "list", "0"), .. RespTestClient.Encode("PING", "after")]);
        Assert.Equal("$6\r\nbefore\r\n", await _blocker.ReadReplyAsync());
        await BlockedAsync(1);
        await _pusher.CallAsync("RPUSH", "list", "x");
        Assert.Equal("*2\r\n$4\r\nlist\r\n$1\r\nx\r\n", await _blocker.ReadReplyAsync());
        Assert.Equal("$5\r\nafter\r\n", await _blocker.ReadReplyAsync());
    }

    [Fact]
    public async Task A_disconnected_client_stops_waiting_and_takes_nothing()
    {
        await _blocker.SendAsync("BLPOP", "list", "0");
        await BlockedAsync(1);
        await _blocker.DisposeAsync();
        await BlockedAsync(0);
        Assert.Equal(0, _node.Server.Blocking.KeyCount);
        await _pusher.CallAsync("RPUSH", "list", "x");
        Assert.Equal(":1\r\n", await _pusher.CallAsync("LLEN", "list"));
        _blocker = await _node.ConnectAsync();
    }

    [Fact]
    public async Task Client_unblock_ends_a_wait_as_a_timeout_or_an_error()
    {
        var id = (await _blocker.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        Assert.Equal(":0\r\n", await _pusher.CallAsync("CLIENT", "UNBLOCK", id));
        await _blocker.SendAsync("BLPOP", "list", "0");
        await BlockedAsync(1);
        Assert.Equal(":1\r\n", await _pusher.CallAsync("CLIENT", "UNBLOCK", id));
        Assert.Equal("*-1\r\n", await _blocker.ReadReplyAsync());
        await _blocker.SendAsync("BZMPOP", "0", "1", "zset", "MIN");
        await BlockedAsync(1);
        Assert.Equal("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n", await _pusher.CallAsync("CLIENT", "UNBLOCK", id, "later"));
        Assert.Equal(":1\r\n", await _pusher.CallAsync("CLIENT", "UNBLOCK", id, "error"));
        Assert.Equal("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", await _blocker.ReadReplyAsync());
        Assert.Equal("+PONG\r\n", await _blocker.CallAsync("PING"));
    }

    [Fact]
    public async Task A_key_of_another_type_keeps_waiters_waiting_but_a_wrong_destination_is_an_error()
    {
        await using var mover = await _node.ConnectAsync();
        await _pusher.CallAsync("SET", "dst", "string");
        await mover.SendAsync("BRPOPLPUSH", "src", "dst", "0");
        await BlockedAsync(1);
        await _blocker.SendAsync("BLPOP", "src", "0");
        await BlockedAsync(2);
        await _pusher.CallAsync("RPUSH", "src", "x");
        Assert.StartsWith("-WRONGTYPE", await mover.ReadReplyAsync());
        Assert.Equal("*2\r\n$3\r\nsrc\r\n$1\r\nx\r\n", await _blocker.ReadReplyAsync());
    }

    [Fact]
    public async Task Linked_blmoves_pass_an_element_along()
    {
        await using var second = await _node.ConnectAsync();
        await _blocker.SendAsync("BLMOVE", "l1", "l2", "RIGHT", "LEFT", "0");
        await BlockedAsync(1);
        await second.SendAsync("BLMOVE", "l2", "l3", "LEFT", "RIGHT", "0");
        await BlockedAsync(2);
        await _pusher.CallAsync("RPUSH", "l1", "foo");
        Assert.Equal("$3\r\nfoo\r\n", await _blocker.ReadReplyAsync());
        Assert.Equal("$3\r\nfoo\r\n", await second.ReadReplyAsync());
        Assert.Equal("*1\r\n$3\r\nfoo\r\n", await _pusher.CallAsync("LRANGE", "l3", "0", "-1"));
        Assert.Equal(":0\r\n", await _pusher.CallAsync("EXISTS", "l1", "l2"));
    }

    [Fact]
    public async Task Blmpop_serves_each_waiter_its_count_from_the_key_made_ready()
    {
        await using var second = await _node.ConnectAsync();
        await _blocker.SendAsync("BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "1");
        await BlockedAsync(1);
        await second.SendAsync("BLMPOP", "0", "2", "a", "b", "RIGHT", "COUNT", "10");
        await BlockedAsync(2);
        await _pusher.CallAsync("MULTI");
        await _pusher.CallAsync("LPUSH", "b", "1", "2");
        await _pusher.CallAsync("LPUSH", "a", "x", "y", "z");
        await _pusher.CallAsync("EXEC");
        Assert.Equal("*2\r\n$1\r\nb\r\n*1\r\n$1\r\n2\r\n", await _blocker.ReadReplyAsync());
        Assert.Equal("*2\r\n$1\r\nb\r\n*1\r\n$1\r\n1\r\n", await second.ReadReplyAsync());
        Assert.Equal(":3\r\n", await _pusher.CallAsync("LLEN", "a"));
    }

    [Fact]
    public async Task Bzpopmin_and_bzpopmax_wait_for_zadd()
    {
        await _blocker.SendAsync("BZPOPMAX", "z", "0");
        await BlockedAsync(1);
        await _pusher.CallAsync("ZADD", "z", "1", "one", "2", "two");
        Assert.Equal("*3\r\n$1\r\nz\r\n$3\r\ntwo\r\n$1\r\n2\r\n", await _blocker.ReadReplyAsync());
        await _blocker.SendAsync("BZMPOP", "0", "1", "z2", "MIN", "COUNT", "5");
        await BlockedAsync(1);
        await _pusher.CallAsync("ZADD", "z2", "1", "a", "2", "b");
        Assert.Equal("*2\r\n$2\r\nz2\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n", await _blocker.ReadReplyAsync());
    }

    private Task BlockedAsync(int count) =>
        Cluster.TestCluster.WaitUntilAsync(() => _node.Server.Blocking.BlockedCount == count, $"{count} blocked clients");
}
