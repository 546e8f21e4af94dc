using System.Diagnostics.Metrics;
using Cache.Client.Caching;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Client.Tests.Caching;

/// <summary>AddGossipCache: what it registers, binding, validation at start, the injected clock, metrics.</summary>
public sealed class GossipCacheRegistrationTests
{
    [Fact]
    public async Task One_singleton_serves_both_interfaces()
    {
        await using var provider = new ServiceCollection()
            .AddDistributedMemoryCache()
            .AddGossipCache(o => o.Seeds = "127.0.0.1:6379")
            .BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();
        Assert.IsType<GossipCache>(cache);
        Assert.Same(cache, provider.GetRequiredService<IBufferDistributedCache>());
        Assert.Same(cache, provider.GetRequiredService<GossipCache>());
    }

    [Fact]
    public void The_near_cache_and_hybrid_coherence_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GossipCache:Seeds"] = "10.0.0.1:6379",
            ["GossipCache:HybridCacheCoherence"] = "true",
            ["GossipCache:NearCache:Enabled"] = "true",
            ["GossipCache:NearCache:MaxEntries"] = "500",
            ["GossipCache:NearCache:MaxBytes"] = "1048576",
            ["GossipCache:NearCache:MaxEntryBytes"] = "4096",
        }).Build();
        using var provider = new ServiceCollection().AddGossipCache(configuration.GetSection("GossipCache")).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<GossipCacheOptions>>().Value;
        Assert.True(options.HybridCacheCoherence);
        Assert.True(options.NearCache.Enabled);
        Assert.Equal(500, options.NearCache.MaxEntries);
        Assert.Equal(1048576, options.NearCache.MaxBytes);
        Assert.Equal(4096, options.NearCache.MaxEntryBytes);
        // HybridCache is not registered: coherence then has nothing to do, and the cache still resolves.
        Assert.IsType<GossipCache>(provider.GetRequiredService<IDistributedCache>());
    }

    [Fact]
    public void Options_bind_from_a_configuration_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GossipCache:Seeds"] = "10.0.0.1:6379, 10.0.0.2:6380",
            ["GossipCache:InstanceName"] = "myapp:",
            ["GossipCache:CommandTimeout"] = "00:00:02",
            ["GossipCache:ConnectTimeout"] = "00:00:01.500",
            ["GossipCache:Password"] = "secret",
            ["GossipCache:MaxInFlight"] = "128",
            ["GossipCache:TopologyRefreshInterval"] = "00:01:00",
        }).Build();
        using var provider = new ServiceCollection().AddGossipCache(configuration.GetSection("GossipCache")).BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<GossipCacheOptions>>().Value;
        Assert.Equal("10.0.0.1:6379, 10.0.0.2:6380", options.Seeds);
        Assert.Equal("myapp:", options.InstanceName);
        Assert.Equal(TimeSpan.FromSeconds(2), options.CommandTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal("secret", options.Password);
        Assert.Equal(128, options.MaxInFlight);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TopologyRefreshInterval);
    }

    [Fact]
    public void Bad_options_fail_at_start_saying_what_to_fix()
    {
        using var provider = new ServiceCollection().AddGossipCache(o =>
        {
            o.Seeds = "10.0.0.1:6379,nonsense,10.0.0.2:99999";
            o.CommandTimeout = TimeSpan.Zero;
            o.MaxInFlight = 0;
            o.TopologyRefreshInterval = TimeSpan.FromMilliseconds(10);
        }).BuildServiceProvider();
        // What the host runs at start because of ValidateOnStart.
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(ex.Failures, f => f.Contains("\"nonsense\", which is not host:port", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("\"10.0.0.2:99999\"", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("GossipCache:CommandTimeout is 00:00:00. Use a duration above zero", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("GossipCache:MaxInFlight is 0. Use 1 or more", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("GossipCache:TopologyRefreshInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_seeds_say_how_to_set_them()
    {
        using var provider = new ServiceCollection().AddGossipCache(_ => { }).BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal("GossipCache:Seeds is empty. Set it to one or more nodes, e.g. \"10.0.0.1:6379,10.0.0.2:6379\".", Assert.Single(ex.Failures));
        Assert.Throws<OptionsValidationException>(() => new GossipCache(Options.Create(new GossipCacheOptions())));
    }

    [Fact]
    public async Task The_registered_TimeProvider_is_the_clock()
    {
        await using var node = await TestNode.StartAsync();
        // A clock far in the past: with the system clock this absolute end would be rejected as past.
        var time = new FakeTimeProvider(new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero));
        await using var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddGossipCache(o => o.Seeds = node.Endpoint)
            .BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions { AbsoluteExpiration = time.GetUtcNow().AddMinutes(1) });
        Assert.Equal([1], await cache.GetAsync("k"));
    }

    [Fact]
    public async Task Calls_are_counted_and_timed_on_the_GossipCache_Client_meter()
    {
        await using var node = await TestNode.StartAsync();
        await using var provider = new ServiceCollection().AddMetrics().AddGossipCache(o => o.Seeds = node.Endpoint).BuildServiceProvider();
        var factory = provider.GetRequiredService<IMeterFactory>();
        var seen = new List<(string Instrument, double Value, string? Operation)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "GossipCache.Client" && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i.Name, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i.Name, v, tags));
        listener.Start();

        var cache = provider.GetRequiredService<IDistributedCache>();
        await cache.SetAsync("k", [1], new DistributedCacheEntryOptions());
        await cache.GetAsync("k");

        lock (seen)
        {
            Assert.Contains(seen, m => m is { Instrument: "gossipcache.client.requests", Operation: "set" });
            Assert.Contains(seen, m => m is { Instrument: "gossipcache.client.requests", Operation: "get" });
            Assert.Contains(seen, m => m.Instrument == "gossipcache.client.duration" && m.Value > 0);
        }

        void Record(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? operation = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "operation")
                {
                    operation = tag.Value as string;
                }
            }

            lock (seen)
            {
                seen.Add((name, value, operation));
            }
        }
    }
}
