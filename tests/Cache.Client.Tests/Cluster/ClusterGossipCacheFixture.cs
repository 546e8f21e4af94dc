using Cache.Client.Caching;
using Cache.Client.Tests.Caching;
using Cache.Node.Tests.Cluster;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Cluster;

/// <summary>Our GossipCache on three of our nodes joined by gossip (three copies per key), in-process on loopback.</summary>
public sealed class ClusterGossipCacheFixture : IDistributedCacheFixture
{
    private readonly ThreeNodeCluster _cluster = new();
    private GossipCache _cache = null!;

    public IDistributedCache Cache => _cache;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        // One seed is enough: the client learns the other two from its CLUSTER RING.
        _cache = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = _cluster.Nodes[1].Endpoint, InstanceName = "conf:" }));
    }

    public async Task<long> PttlAsync(string key)
    {
        // The key's primary, asked directly: what the client wrote there, not a forwarded answer.
        await using var raw = await _cluster.OwnerOf("conf:" + key).ConnectAsync();
        return long.Parse((await raw.CallAsync("PTTL", "conf:" + key)).Trim(':', '\r', '\n'), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _cluster.DisposeAsync();
    }
}
