using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace Cache.Node.Tests.Compatibility;

/// <summary>ASP.NET's own Redis IDistributedCache (RedisCache), pointed at our node, unchanged.</summary>
public sealed class RedisCacheProviderTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private RedisCache _cache = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = _node.Endpoint, InstanceName = "app:" }));
    }

    public async Task DisposeAsync()
    {
        _cache.Dispose();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Set_get_refresh_remove_round_trip()
    {
        byte[] value = [1, 2, 3, 4, 5];
        await _cache.SetAsync("greeting", value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) });
        Assert.Equal(value, await _cache.GetAsync("greeting"));
        await _cache.RefreshAsync("greeting");
        Assert.Equal(value, await _cache.GetAsync("greeting"));
        await _cache.RemoveAsync("greeting");
        Assert.Null(await _cache.GetAsync("greeting"));
        Assert.Null(await _cache.GetAsync("never-set"));
    }

    [Fact]
    public async Task Sliding_expiration_is_stored_and_refreshed_on_the_node()
    {
        await _cache.SetAsync("session", [42], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(100) });

        await using var raw = await _node.ConnectAsync();
        // RedisCache keeps sliding entries as a hash with the window in ticks and a TTL of the window.
        var ttl = await raw.CallAsync("TTL", "app:session");
        Assert.Matches(@"^:(9[0-9]|100)\r\n$", ttl);
        Assert.Equal("$2\r\n-1\r\n", await raw.CallAsync("HGET", "app:session", "absexp"));
        Assert.Equal($"${TimeSpan.FromSeconds(100).Ticks.ToString().Length}\r\n{TimeSpan.FromSeconds(100).Ticks}\r\n",
            await raw.CallAsync("HGET", "app:session", "sldexp"));

        // A shorter TTL is restored to the full window by a read (sliding) and by Refresh.
        Assert.Equal(":1\r\n", await raw.CallAsync("EXPIRE", "app:session", "5"));
        Assert.Equal([42], await _cache.GetAsync("session"));
        Assert.Matches(@"^:(9[0-9]|100)\r\n$", await raw.CallAsync("TTL", "app:session"));
        Assert.Equal(":1\r\n", await raw.CallAsync("EXPIRE", "app:session", "5"));
        await _cache.RefreshAsync("session");
        Assert.Matches(@"^:(9[0-9]|100)\r\n$", await raw.CallAsync("TTL", "app:session"));
    }

    [Fact]
    public async Task An_entry_past_its_absolute_expiry_is_gone()
    {
        await _cache.SetAsync("short", [7], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30) });
        await using var raw = await _node.ConnectAsync();
        // Expire it now on the node instead of waiting: the provider must then see nothing.
        Assert.Equal(":1\r\n", await raw.CallAsync("PEXPIRE", "app:short", "1"));
        var gone = await WaitUntilAsync(async () => await _cache.GetAsync("short") is null);
        Assert.True(gone);
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        // The node's real clock must pass 1 ms; poll the condition rather than sleeping a fixed time.
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Yield();
        }

        return await condition();
    }
}
