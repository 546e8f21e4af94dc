using Cache.Client.Caching;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Caching;

/// <summary>Our GossipCache on one real node of ours, in-process on a free loopback port.</summary>
public sealed class GossipCacheFixture : IDistributedCacheFixture
{
    private TestNode _node = null!;
    private GossipCache _cache = null!;

    public IDistributedCache Cache => _cache;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _cache = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = _node.Endpoint, InstanceName = "conf:" }));
    }

    public async Task<long> PttlAsync(string key)
    {
        await using var raw = await _node.ConnectAsync();
        return long.Parse((await raw.CallAsync("PTTL", "conf:" + key)).Trim(':', '\r', '\n'));
    }

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _node.DisposeAsync();
    }
}
