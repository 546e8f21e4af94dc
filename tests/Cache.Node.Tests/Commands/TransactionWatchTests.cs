using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands;

/// <summary>WATCH across two connections, and expiry of watched keys on a fake clock.</summary>
public sealed class TransactionWatchTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));
    private TestNode _node = null!;
    private RespTestClient _watcher = null!;
    private RespTestClient _other = null!;

    public async Task InitializeAsync()
    {
        // hz 1: the active expiry sweep first runs a (fake) second in, so short expiries below
        // are found by lazy lookups only.
        _node = await TestNode.StartAsync(options => options.Hz = 1, _time);
        _watcher = await _node.ConnectAsync();
        _other = await _node.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _watcher.DisposeAsync();
        await _other.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Exec_aborts_when_another_client_modified_a_watched_key()
    {
        await _watcher.CallAsync("SET", "k", "1");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        Assert.Equal("+OK\r\n", await _other.CallAsync("SET", "k", "2"));
        await QueueAsync(["SET", "k", "mine"]);
        Assert.Equal("*-1\r\n", await _watcher.CallAsync("EXEC"));
        Assert.Equal("$1\r\n2\r\n", await _watcher.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task Exec_runs_when_watched_keys_are_untouched()
    {
        await _watcher.CallAsync("SET", "k", "1");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k", "missing"));
        Assert.Equal("+OK\r\n", await _other.CallAsync("SET", "unrelated", "2"));
        Assert.Equal("$1\r\n1\r\n", await _other.CallAsync("GET", "k"));
        await QueueAsync(["SET", "k", "mine"], ["GET", "k"]);
        Assert.Equal("*2\r\n+OK\r\n$4\r\nmine\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task Creating_a_watched_missing_key_aborts()
    {
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        Assert.Equal(":1\r\n", await _other.CallAsync("HSET", "k", "f", "v"));
        await QueueAsync(["GET", "x"]);
        Assert.Equal("*-1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Theory]
    [InlineData("HSET", "h", "f", "new")]
    [InlineData("HMSET", "h", "g", "new")]
    [InlineData("HSETNX", "h", "g", "new")]
    [InlineData("HDEL", "h", "f")]
    [InlineData("HINCRBY", "h", "n", "1")]
    [InlineData("HINCRBYFLOAT", "h", "n", "1.5")]
    public async Task Hash_writes_by_another_client_abort(params string[] write)
    {
        await _watcher.CallAsync("HSET", "h", "f", "v", "n", "1");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "h"));
        Assert.DoesNotContain("ERR", await _other.CallAsync(write), StringComparison.Ordinal);
        await QueueAsync(["HLEN", "h"]);
        Assert.Equal("*-1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task Hash_no_ops_by_another_client_do_not_abort()
    {
        await _watcher.CallAsync("HSET", "h", "f", "v");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "h"));
        Assert.Equal(":0\r\n", await _other.CallAsync("HSETNX", "h", "f", "other"));
        Assert.Equal(":0\r\n", await _other.CallAsync("HDEL", "h", "nope"));
        Assert.Equal("$1\r\nv\r\n", await _other.CallAsync("HGET", "h", "f"));
        await QueueAsync(["HLEN", "h"]);
        Assert.Equal("*1\r\n:1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task Exec_and_discard_forget_the_watches()
    {
        await _watcher.CallAsync("SET", "k", "1");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        await QueueAsync(["GET", "k"]);
        Assert.Equal("*1\r\n$1\r\n1\r\n", await _watcher.CallAsync("EXEC"));
        await _other.CallAsync("SET", "k", "2");
        await QueueAsync(["GET", "k"]);
        Assert.Equal("*1\r\n$1\r\n2\r\n", await _watcher.CallAsync("EXEC"));

        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        await QueueAsync(["GET", "k"]);
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("DISCARD"));
        await _other.CallAsync("SET", "k", "3");
        await QueueAsync(["GET", "k"]);
        Assert.Equal("*1\r\n$1\r\n3\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task Flushall_by_another_client_aborts_only_for_existing_watched_keys()
    {
        await _watcher.CallAsync("SET", "k", "1");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        Assert.Equal("+OK\r\n", await _other.CallAsync("FLUSHALL"));
        await QueueAsync(["SET", "k", "mine"]);
        Assert.Equal("*-1\r\n", await _watcher.CallAsync("EXEC"));

        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "missing"));
        Assert.Equal("+OK\r\n", await _other.CallAsync("FLUSHALL"));
        await QueueAsync(["SET", "k", "mine"]);
        Assert.Equal("*1\r\n+OK\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task A_watched_key_that_expires_before_exec_aborts()
    {
        // Nothing looks the key up after it expires: EXEC itself must notice.
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("SET", "k", "1", "PX", "500"));
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        await QueueAsync(["GET", "k"]);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("*-1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task A_watched_key_that_has_not_expired_yet_does_not_abort()
    {
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("SET", "k", "1", "PX", "500"));
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        _time.Advance(TimeSpan.FromMilliseconds(499));
        await QueueAsync(["GET", "k"]);
        Assert.Equal("*1\r\n$1\r\n1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task A_key_already_expired_when_watched_does_not_abort()
    {
        // Redis ignores the deletion of a key that was already logically expired when watched.
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("SET", "k", "1", "PX", "100"));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        await QueueAsync(["GET", "k"]);
        Assert.Equal("*1\r\n$-1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task Exec_in_resp3_replies_null_when_aborted()
    {
        await _watcher.CallAsync("HELLO", "3");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "k"));
        await _other.CallAsync("SET", "k", "2");
        await QueueAsync(["GET", "k"]);
        Assert.Equal("_\r\n", await _watcher.CallAsync("EXEC"));
    }

    private async Task QueueAsync(params string[][] commands)
    {
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("MULTI"));
        foreach (var command in commands)
        {
            Assert.Equal("+QUEUED\r\n", await _watcher.CallAsync(command));
        }
    }
}
