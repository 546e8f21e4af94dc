using Cache.Integration.Tests.Infrastructure;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Cache.Integration.Tests.Backplanes;

/// <summary>FusionCache's Redis backplane between two app instances: a change on one drops the other's memory copy.</summary>
public sealed class FusionCacheBackplaneTests(NodesFixture nodes) : IClassFixture<NodesFixture>
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_set_on_instance_a_evicts_the_memory_copy_of_instance_b(string topology)
    {
        var name = $"fc-{topology}-{Guid.NewGuid():N}";
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        using var a = Start(name, nodes.Of(topology), distributed: false);
        using var b = Start(name, nodes.Of(topology), distributed: false);
        await Wait.UntilAsync(async () => await Redis.SubscribersAsync(redis, $"{name}*") == 2, "both instances on the backplane channel");

        // Memory only: B's copy is its own; A's set must reach it through the backplane alone.
        await b.SetAsync("product:1", "old", Duration);
        Assert.Equal("old", (await b.TryGetAsync<string>("product:1")).GetValueOrDefault());
        await a.SetAsync("product:1", "new", Duration);
        await Wait.UntilAsync(async () => !(await b.TryGetAsync<string>("product:1")).HasValue, "B's memory copy to be evicted");

        await b.SetAsync("product:2", "kept", Duration);
        await a.RemoveAsync("product:2");
        await Wait.UntilAsync(async () => !(await b.TryGetAsync<string>("product:2")).HasValue, "B's copy to be removed");
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task With_the_node_as_distributed_cache_instance_b_serves_the_value_instance_a_set(string topology)
    {
        var name = $"fc2-{topology}-{Guid.NewGuid():N}";
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        using var a = Start(name, nodes.Of(topology), distributed: true);
        using var b = Start(name, nodes.Of(topology), distributed: true);
        await Wait.UntilAsync(async () => await Redis.SubscribersAsync(redis, $"{name}*") == 2, "both instances on the backplane channel");

        Assert.Equal("v1", await b.GetOrSetAsync("price:7", _ => Task.FromResult("v1"), Duration));
        Assert.Equal("v1", await a.GetOrSetAsync("price:7", _ => Task.FromResult("unused"), Duration));

        await a.SetAsync("price:7", "v2", Duration);
        await Wait.UntilAsync(async () => await b.GetOrSetAsync("price:7", _ => Task.FromResult("factory"), Duration) == "v2", "B to serve A's new value");
    }

    private static FusionCache Start(string name, IEnumerable<TestNode> nodes, bool distributed)
    {
        var cache = new FusionCache(new FusionCacheOptions { CacheName = name });
        if (distributed)
        {
            var l2 = new RedisCache(new RedisCacheOptions { ConfigurationOptions = Redis.Options(nodes), InstanceName = name + ":" });
            cache.SetupDistributedCache(l2, new FusionCacheSystemTextJsonSerializer());
        }

        cache.SetupBackplane(new RedisBackplane(new RedisBackplaneOptions { ConfigurationOptions = Redis.Options(nodes) }));
        return cache;
    }
}
