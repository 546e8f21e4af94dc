using Cache.Client.Caching;
using Cache.Integration.Tests.Infrastructure;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace Cache.Integration.Tests.HybridCaching;

/// <summary>
/// Two app instances, each with <c>AddHybridCache()</c> over one shared L2. A sets, removes and
/// invalidates a tag; B must then serve the new state. Over stock RedisCache and a real
/// redis-server B keeps its in-memory (L1) copy: the test asserts it is stale there. Over
/// GossipCache with <c>HybridCacheCoherence</c>, the nodes' tracking removes B's copy.
/// </summary>
public sealed class HybridCacheCoherenceTests(NodesFixture nodes) : IClassFixture<NodesFixture>
{
    // Stock HybridCache has no way to hear A: B's value is still the old one after this long, when
    // GossipCache's invalidation takes a few milliseconds. (Not a synchronisation: nothing is awaited.)
    private static readonly TimeSpan StaleFor = TimeSpan.FromSeconds(1);
    private static readonly string[] Products = ["products"];

    [Fact]
    public async Task Stock_hybrid_cache_over_redis_cache_keeps_serving_b_its_stale_copy()
    {
        if (RedisServerProcess.FindExecutable() is null)
        {
            Assert.Fail("redis-server is not installed (.ci/run installs it).");
        }

        await using var redis = await RedisServerProcess.StartAsync();
        var prefix = $"stock-{Guid.NewGuid():N}:";
        await using var a = Instance(s => s.AddStackExchangeRedisCache(o => { o.Configuration = $"127.0.0.1:{redis.Port}"; o.InstanceName = prefix; }));
        await using var b = Instance(s => s.AddStackExchangeRedisCache(o => { o.Configuration = $"127.0.0.1:{redis.Port}"; o.InstanceName = prefix; }));

        await foreach (var (step, value, fresh) in ScenarioAsync(a, b, observe: ObserveLaterAsync))
        {
            Assert.True(value != fresh, $"{step}: stock HybridCache was expected to serve B's stale copy, but it served \"{value}\"");
        }
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task Hybrid_cache_over_gossip_cache_serves_b_the_new_state(string topology)
    {
        var seeds = string.Join(',', nodes.Of(topology).Select(n => n.Endpoint));
        var prefix = $"hy-{topology}-{Guid.NewGuid():N}:";
        await using var a = Instance(s => s.AddGossipCache(o => { o.Seeds = seeds; o.InstanceName = prefix; o.HybridCacheCoherence = true; }));
        await using var b = Instance(s => s.AddGossipCache(o => { o.Seeds = seeds; o.InstanceName = prefix; o.HybridCacheCoherence = true; }));

        await foreach (var (step, value, fresh) in ScenarioAsync(a, b, observe: ObserveUntilFreshAsync))
        {
            Assert.True(value == fresh, $"{step}: B served \"{value}\", not \"{fresh}\"");
        }
    }

    // Each step: A changes the state, then B's read is observed; yields (step, what B served, what is fresh).
    private static async IAsyncEnumerable<(string Step, string Value, string Fresh)> ScenarioAsync(
        ServiceProvider instanceA, ServiceProvider instanceB, Func<Func<ValueTask<string>>, string, Task<string>> observe)
    {
        var (a, b) = (Hybrid(instanceA), Hybrid(instanceB));
        var l2 = instanceA.GetRequiredService<IDistributedCache>();
        Assert.Equal("v1", await a.GetOrCreateAsync("product:1", _ => ValueTask.FromResult("v1"), tags: Products));
        // HybridCache writes L2 behind the caller's back: B can only share A's value once it is there.
        await Wait.UntilAsync(async () => await l2.GetAsync("product:1") is not null, "A's L2 write");
        Assert.Equal("v1", await b.GetOrCreateAsync("product:1", _ => ValueTask.FromResult("b-factory"), tags: Products));

        await a.SetAsync("product:1", "v2", tags: Products);
        yield return ("SetAsync", await observe(() => b.GetOrCreateAsync("product:1", _ => ValueTask.FromResult("b-factory"), tags: Products), "v2"), "v2");

        await a.RemoveAsync("product:1");
        yield return ("RemoveAsync", await observe(() => b.GetOrCreateAsync("product:1", _ => ValueTask.FromResult("recomputed"), tags: Products), "recomputed"), "recomputed");

        Assert.Equal("p2", await a.GetOrCreateAsync("product:2", _ => ValueTask.FromResult("p2"), tags: Products));
        await Wait.UntilAsync(async () => await l2.GetAsync("product:2") is not null, "A's L2 write");
        Assert.Equal("p2", await b.GetOrCreateAsync("product:2", _ => ValueTask.FromResult("b-factory"), tags: Products));
        await a.RemoveByTagAsync("products");
        yield return ("RemoveByTagAsync", await observe(() => b.GetOrCreateAsync("product:2", _ => ValueTask.FromResult("fresh"), tags: Products), "fresh"), "fresh");
    }

    private static async Task<string> ObserveUntilFreshAsync(Func<ValueTask<string>> read, string fresh)
    {
        var value = await read();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (value != fresh && !timeout.IsCancellationRequested)
        {
            await Task.Delay(5, CancellationToken.None);
            value = await read();
        }

        return value;
    }

    private static async Task<string> ObserveLaterAsync(Func<ValueTask<string>> read, string fresh)
    {
        var first = await read();
        await Task.Delay(StaleFor, CancellationToken.None);
        var later = await read();
        return first == fresh ? first : later;
    }

    private static ServiceProvider Instance(Action<IServiceCollection> addL2)
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        addL2(services);
        return services.BuildServiceProvider();
    }

    private static HybridCache Hybrid(ServiceProvider services) => services.GetRequiredService<HybridCache>();
}
