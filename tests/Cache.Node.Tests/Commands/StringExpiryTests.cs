using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands;

/// <summary>
/// Time to live in the string family, driven by a fake clock: SETEX/PSETEX/GETEX set it, the
/// counters and in-place edits keep it, and whole-value writes (GETSET, MSET, SETNX...) drop it.
/// </summary>
public sealed class StringExpiryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2031, 3, 14, 15, 9, 26, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TestNode _node = null!;
    private RespTestClient _client = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(time: _time);
        _client = await _node.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Setex_expires_after_the_given_seconds()
    {
        Assert.Equal("+OK\r\n", await _client.CallAsync("SETEX", "k", "10", "v"));
        _time.Advance(TimeSpan.FromMilliseconds(9999));
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GET", "k"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task Psetex_expires_after_the_given_milliseconds()
    {
        Assert.Equal("+OK\r\n", await _client.CallAsync("PSETEX", "k", "1500", "v"));
        _time.Advance(TimeSpan.FromMilliseconds(1499));
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GET", "k"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task Setex_replaces_an_earlier_ttl()
    {
        await _client.CallAsync("SETEX", "k", "5", "a");
        Assert.Equal("+OK\r\n", await _client.CallAsync("SETEX", "k", "100", "b"));
        _time.Advance(TimeSpan.FromSeconds(99));
        Assert.Equal("$1\r\nb\r\n", await _client.CallAsync("GET", "k"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GET", "k"));
    }

    [Theory]
    [InlineData("EX", "20", 20_000)]
    [InlineData("PX", "20500", 20_500)]
    public async Task Getex_sets_a_relative_ttl(string unit, string amount, int lifetimeMs)
    {
        await _client.CallAsync("SET", "k", "v");
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GETEX", "k", unit, amount));
        _time.Advance(TimeSpan.FromMilliseconds(lifetimeMs - 1));
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GETEX", "k"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GETEX", "k"));
    }

    [Theory]
    [InlineData("EXAT", 1000)]
    [InlineData("PXAT", 1)]
    public async Task Getex_sets_an_absolute_ttl(string unit, int msPerUnit)
    {
        var at = (Start.ToUnixTimeMilliseconds() / msPerUnit) + (30_000 / msPerUnit);
        await _client.CallAsync("SET", "k", "v");
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GETEX", "k", unit, at.ToString()));
        _time.Advance(TimeSpan.FromMilliseconds(29_999));
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GET", "k"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GET", "k"));
    }

    [Theory]
    [InlineData("EXAT", 1000)]
    [InlineData("PXAT", 1)]
    public async Task Getex_with_an_absolute_time_already_past_returns_the_value_and_deletes_the_key(string unit, int msPerUnit)
    {
        var now = Start.ToUnixTimeMilliseconds() / msPerUnit;
        await _client.CallAsync("SET", "k", "v");
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GETEX", "k", unit, now.ToString()));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GET", "k"));
        Assert.Equal(":0\r\n", await _client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task Getex_persist_removes_the_ttl_and_plain_getex_keeps_it()
    {
        await _client.CallAsync("SETEX", "p", "10", "v");
        await _client.CallAsync("SETEX", "q", "10", "w");
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GETEX", "p", "PERSIST"));
        Assert.Equal("$1\r\nw\r\n", await _client.CallAsync("GETEX", "q"));
        _time.Advance(TimeSpan.FromSeconds(3600));
        Assert.Equal("$1\r\nv\r\n", await _client.CallAsync("GET", "p"));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GET", "q"));
    }

    [Theory]
    [InlineData("INCR", "n")]
    [InlineData("DECR", "n")]
    [InlineData("INCRBY", "n", "7")]
    [InlineData("DECRBY", "n", "7")]
    [InlineData("INCRBYFLOAT", "n", "0.5")]
    [InlineData("APPEND", "n", "0")]
    [InlineData("SETRANGE", "n", "0", "9")]
    public async Task In_place_writes_keep_the_ttl(params string[] command)
    {
        await _client.CallAsync("SETEX", "n", "10", "5");
        var reply = await _client.CallAsync(command);
        Assert.DoesNotContain("ERR", reply, StringComparison.Ordinal);
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.NotEqual("$-1\r\n", await _client.CallAsync("GET", "n"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("$-1\r\n", await _client.CallAsync("GET", "n"));
    }

    [Theory]
    [InlineData("GETSET", "n", "x")]
    [InlineData("MSET", "n", "x")]
    [InlineData("MSET", "other", "y", "n", "x")]
    [InlineData("SET", "n", "x")]
    public async Task Whole_value_writes_drop_the_ttl(params string[] command)
    {
        await _client.CallAsync("SETEX", "n", "10", "5");
        await _client.CallAsync(command);
        _time.Advance(TimeSpan.FromSeconds(3600));
        Assert.Equal("$1\r\nx\r\n", await _client.CallAsync("GET", "n"));
    }

    [Fact]
    public async Task Setnx_and_msetnx_write_over_an_expired_key_without_a_ttl()
    {
        await _client.CallAsync("PSETEX", "a", "100", "old");
        await _client.CallAsync("PSETEX", "b", "100", "old");
        Assert.Equal(":0\r\n", await _client.CallAsync("SETNX", "a", "new"));
        Assert.Equal(":0\r\n", await _client.CallAsync("MSETNX", "c", "1", "b", "new"));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(":1\r\n", await _client.CallAsync("SETNX", "a", "new"));
        Assert.Equal(":1\r\n", await _client.CallAsync("MSETNX", "c", "1", "b", "new"));
        _time.Advance(TimeSpan.FromSeconds(3600));
        Assert.Equal("*3\r\n$3\r\nnew\r\n$3\r\nnew\r\n$1\r\n1\r\n", await _client.CallAsync("MGET", "a", "b", "c"));
    }

    [Fact]
    public async Task Counters_start_from_zero_once_the_key_expired()
    {
        await _client.CallAsync("PSETEX", "n", "50", "41");
        Assert.Equal(":42\r\n", await _client.CallAsync("INCR", "n"));
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(":1\r\n", await _client.CallAsync("INCR", "n"));
        _time.Advance(TimeSpan.FromSeconds(3600));
        Assert.Equal("$1\r\n1\r\n", await _client.CallAsync("GET", "n"));
    }

    [Fact]
    public async Task Expiry_amounts_that_overflow_from_now_are_invalid()
    {
        var now = Start.ToUnixTimeMilliseconds();
        var tooFarMs = (long.MaxValue - now + 1).ToString();
        Assert.Equal("-ERR invalid expire time in 'setex' command\r\n", await _client.CallAsync("SETEX", "k", "9223372036854775", "v"));
        Assert.Equal("-ERR invalid expire time in 'psetex' command\r\n", await _client.CallAsync("PSETEX", "k", tooFarMs, "v"));
        await _client.CallAsync("SET", "k", "v");
        Assert.Equal("-ERR invalid expire time in 'getex' command\r\n", await _client.CallAsync("GETEX", "k", "PX", tooFarMs));
        Assert.Equal("+OK\r\n", await _client.CallAsync("PSETEX", "k", (long.MaxValue - now).ToString(), "w"));
        Assert.Equal("$1\r\nw\r\n", await _client.CallAsync("GET", "k"));
    }
}
