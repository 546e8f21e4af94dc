using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands;

/// <summary>
/// Set commands on a node, where redis-server cannot be compared byte for byte: which writes a
/// WATCH sees (only real changes), TTLs of STORE destinations, and a large set's memory given
/// back when it expires.
/// </summary>
public sealed class SetCommandTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 2, 11, 6, 45, 0, TimeSpan.Zero));
    private TestNode _node = null!;
    private RespTestClient _watcher = null!;
    private RespTestClient _other = null!;

    public async Task InitializeAsync()
    {
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

    [Theory]
    [InlineData("SADD", "dst", "a")]
    [InlineData("SREM", "dst", "nope")]
    [InlineData("SMOVE", "src", "dst", "a")]
    [InlineData("SMOVE", "nosrc", "dst", "b")]
    public async Task A_command_that_leaves_the_watched_set_as_it_was_does_not_abort_exec(params string[] command)
    {
        await _watcher.CallAsync("SADD", "src", "a", "b");
        await _watcher.CallAsync("SADD", "dst", "a");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "dst"));
        await _other.CallAsync(command);
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("MULTI"));
        await _watcher.CallAsync("SADD", "dst", "c");
        Assert.Equal("*1\r\n:1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Theory]
    [InlineData("SADD", "dst", "new")]
    [InlineData("SREM", "dst", "a")]
    [InlineData("SMOVE", "src", "dst", "b")]
    [InlineData("SPOP", "dst")]
    [InlineData("SINTERSTORE", "dst", "src", "src")]
    public async Task A_command_that_changes_the_watched_set_aborts_exec(params string[] command)
    {
        await _watcher.CallAsync("SADD", "src", "a", "b");
        await _watcher.CallAsync("SADD", "dst", "a");
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("WATCH", "dst"));
        await _other.CallAsync(command);
        Assert.Equal("+OK\r\n", await _watcher.CallAsync("MULTI"));
        await _watcher.CallAsync("SADD", "dst", "c");
        Assert.Equal("*-1\r\n", await _watcher.CallAsync("EXEC"));
    }

    [Fact]
    public async Task A_store_replaces_the_destination_and_its_ttl()
    {
        await _watcher.CallAsync("SADD", "a", "1", "2");
        await _watcher.CallAsync("SET", "dst", "string");
        await _watcher.CallAsync("EXPIRE", "dst", "100");
        Assert.Equal(":2\r\n", await _watcher.CallAsync("SUNIONSTORE", "dst", "a"));
        Assert.Equal(":-1\r\n", await _watcher.CallAsync("TTL", "dst"));
        Assert.Equal("+set\r\n", await _watcher.CallAsync("TYPE", "dst"));
    }

    [Fact]
    public async Task A_large_set_that_expires_gives_its_memory_back()
    {
        await _watcher.CallAsync("SET", "warm", "x");
        var members = Enumerable.Range(0, 3000).Select(i => "member:" + i).ToArray();
        await _watcher.CallAsync(["SADD", "warmup", .. members]);
        await _watcher.CallAsync("DEL", "warmup");
        var before = await UsedMemoryAsync();

        await _watcher.CallAsync(["SADD", "big", .. members]);
        Assert.Equal(":3000\r\n", await _watcher.CallAsync("SCARD", "big"));
        Assert.True(await UsedMemoryAsync() > before + (3000 * 16));
        await _watcher.CallAsync("PEXPIRE", "big", "50");
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Equal(":0\r\n", await _watcher.CallAsync("EXISTS", "big"));
        Assert.Equal(before, await UsedMemoryAsync());
    }

    private async Task<long> UsedMemoryAsync()
    {
        var info = RespText.Bulks(await _watcher.CallAsync("INFO", "memory"))[0];
        var line = info.Split("\r\n").First(l => l.StartsWith("used_memory:", StringComparison.Ordinal));
        return long.Parse(line["used_memory:".Length..]);
    }
}
