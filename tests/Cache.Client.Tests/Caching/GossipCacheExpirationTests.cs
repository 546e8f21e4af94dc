using Cache.Client.Caching;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Client.Tests.Caching;

/// <summary>
/// Where GossipCache does better than RedisCache: millisecond expirations driven by an injected
/// clock. The node and the client share one fake clock that starts at a random date, so code that
/// read the real clock would fail every time.
/// </summary>
public sealed class GossipCacheExpirationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(1_000_000)));
    private TestNode _node = null!;
    private GossipCache _cache = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(time: _time);
        _cache = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = _node.Endpoint, InstanceName = "exp:" }), _time);
    }

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_sub_second_expiration_keeps_its_milliseconds()
    {
        await _cache.SetAsync("k", [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(300) });
        Assert.Equal(300, await PttlAsync("k"));
        _time.Advance(TimeSpan.FromMilliseconds(299));
        Assert.Equal([1], await _cache.GetAsync("k"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task Absolute_expiration_is_judged_by_the_injected_clock()
    {
        await _cache.SetAsync("k", [1], new DistributedCacheEntryOptions { AbsoluteExpiration = _time.GetUtcNow().AddMilliseconds(1500) });
        Assert.Equal(1500, await PttlAsync("k"));
        var past = new DistributedCacheEntryOptions { AbsoluteExpiration = _time.GetUtcNow().AddTicks(-1) };
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _cache.SetAsync("k", [2], past));
        _time.Advance(TimeSpan.FromMilliseconds(1500));
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task Reads_slide_the_window_in_milliseconds()
    {
        await _cache.SetAsync("k", [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMilliseconds(500) });
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(400));
            Assert.Equal([1], await _cache.GetAsync("k"));
            Assert.Equal(500, await PttlAsync("k"));
        }

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task Refresh_slides_without_reading_the_value()
    {
        await _cache.SetAsync("k", new byte[100_000], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMilliseconds(500) });
        _time.Advance(TimeSpan.FromMilliseconds(400));
        await _cache.RefreshAsync("k");
        Assert.Equal(500, await PttlAsync("k"));
        _time.Advance(TimeSpan.FromMilliseconds(400));
        _cache.Refresh("k");
        _time.Advance(TimeSpan.FromMilliseconds(400));
        Assert.NotNull(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task The_absolute_end_caps_the_sliding_window()
    {
        await _cache.SetAsync("k", [1], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMilliseconds(1000),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(1500),
        });
        Assert.Equal(1000, await PttlAsync("k"));
        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.Equal([1], await _cache.GetAsync("k"));
        Assert.Equal(600, await PttlAsync("k"));
        _time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task A_value_another_client_wrote_is_returned_as_is()
    {
        await using var raw = await _node.ConnectAsync();
        Assert.Equal("+OK\r\n", await raw.CallAsync("SET", "exp:plain", "hello"));
        Assert.Equal("hello"u8.ToArray(), await _cache.GetAsync("plain"));
        await _cache.RefreshAsync("plain");
    }

    private async Task<long> PttlAsync(string key)
    {
        await using var raw = await _node.ConnectAsync();
        return long.Parse((await raw.CallAsync("PTTL", "exp:" + key)).Trim(':', '\r', '\n'));
    }
}
