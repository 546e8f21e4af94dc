using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Caching;

/// <summary>ASP.NET's RedisCache on a real redis-server: the reference behaviour.</summary>
public sealed class RedisCacheFixture : IDistributedCacheFixture
{
    private RedisServerProcess _server = null!;
    private RedisCache _cache = null!;

    public IDistributedCache Cache => _cache;

    public async Task InitializeAsync()
    {
        _server = await RedisServerProcess.StartAsync();
        _cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = $"127.0.0.1:{_server.Port}", InstanceName = "conf:" }));
    }

    public async Task<long> PttlAsync(string key)
    {
        await using var raw = await _server.ConnectAsync();
        return long.Parse((await raw.CallAsync("PTTL", "conf:" + key)).Trim(':', '\r', '\n'));
    }

    public async Task DisposeAsync()
    {
        _cache.Dispose();
        await _server.DisposeAsync();
    }
}
