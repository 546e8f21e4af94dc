using Cache.Client.Caching;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Client.Tests.Caching;

/// <summary>
/// A near hit honours the entry's expirations: an absolute end is judged locally; an entry with a
/// sliding expiration is never copied (each read must slide it on the node). Node and client share
/// one fake clock.
/// </summary>
public sealed class NearCacheExpirationTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(1_000_000)));
    private TestNode _node = null!;
    private GossipCache _cache = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(time: _time);
        var options = new GossipCacheOptions { Seeds = _node.Endpoint, InstanceName = "nexp:" };
        options.NearCache.Enabled = true;
        _cache = new GossipCache(Options.Create(options), _time);
        await _cache.Listener!.WhenReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_copy_is_not_served_past_its_absolute_end()
    {
        var stripe = _cache.Listener!.Stripe("k");
        await _cache.SetAsync("k", [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMilliseconds(1000) });
        // The write's own invalidation (two local bumps, then the node's push) is heard before the read.
        await UntilAsync(() => _cache.Listener!.Stripe("k") >= stripe + 3, "the write's own invalidation");
        Assert.Equal([1], await _cache.GetAsync("k"));
        Assert.Equal(1, _cache.NearCount);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal([1], await _cache.GetAsync("k"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task A_sliding_entry_is_read_through_and_every_read_slides_it()
    {
        await _cache.SetAsync("k", [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMilliseconds(1000) });
        for (var round = 0; round < 3; round++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(600));
            Assert.Equal([1], await _cache.GetAsync("k"));
            Assert.Equal(1000, await PttlAsync("k"));
        }

        Assert.Equal(0, _cache.NearCount);
        _time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task Refresh_still_goes_to_the_node()
    {
        await _cache.SetAsync("k", [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMilliseconds(1000) });
        await _cache.GetAsync("k");
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await _cache.RefreshAsync("k");
        Assert.Equal(1000, await PttlAsync("k"));
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting for {what}");
            await Task.Delay(5, CancellationToken.None);
        }
    }

    private async Task<long> PttlAsync(string key)
    {
        await using var raw = await _node.ConnectAsync();
        return long.Parse((await raw.CallAsync("PTTL", "nexp:" + key)).Trim(':', '\r', '\n'), System.Globalization.CultureInfo.InvariantCulture);
    }

}
