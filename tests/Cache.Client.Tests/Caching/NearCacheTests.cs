using System.Globalization;
using Cache.Client.Caching;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Caching;

/// <summary>The near cache on one real node: hits stay local, every kind of change removes the copy.</summary>
public sealed class NearCacheTests : IAsyncLifetime
{
    private static readonly DistributedCacheEntryOptions Forever = new();
    private TestNode _node = null!;
    private GossipCache _cache = null!;
    private GossipCache _other = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _cache = NearCache(_node.Endpoint);
        _other = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = _node.Endpoint, InstanceName = "near:" }));
        await _cache.Listener!.WhenReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        await _other.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_hit_is_served_without_reaching_the_node()
    {
        await SeedAsync("k", [1, 2, 3]);
        Assert.Equal([1, 2, 3], await _cache.GetAsync("k"));
        var before = await GetCallsAsync();
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal([1, 2, 3], await _cache.GetAsync("k"));
        }

        Assert.Equal(before, await GetCallsAsync());
        Assert.Equal(1, _cache.NearCount);
    }

    [Fact]
    public async Task A_hit_returns_a_copy_the_caller_may_change()
    {
        await SeedAsync("k", [1]);
        var first = await _cache.GetAsync("k");
        first![0] = 9;
        Assert.Equal([1], await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task Another_clients_write_and_delete_remove_the_copy()
    {
        await SeedAsync("k", [1]);
        Assert.Equal([1], await _cache.GetAsync("k"));
        await _other.SetAsync("k", [2], Forever);
        await UntilAsync(() => _cache.NearCount == 0, "the write's invalidation");
        Assert.Equal([2], await _cache.GetAsync("k"));

        await _other.RemoveAsync("k");
        await UntilAsync(() => _cache.NearCount == 0, "the delete's invalidation");
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task A_plain_redis_write_on_the_node_removes_the_copy()
    {
        await SeedAsync("k", [1]);
        Assert.Equal([1], await _cache.GetAsync("k"));
        await using var raw = await _node.ConnectAsync();
        await raw.CallAsync("APPEND", "near:k", "x");
        await UntilAsync(() => _cache.NearCount == 0, "APPEND's invalidation");
        Assert.NotEqual([1], await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task Own_writes_are_read_back_at_once()
    {
        await _cache.SetAsync("k", [1], Forever);
        Assert.Equal([1], await _cache.GetAsync("k"));
        await _cache.SetAsync("k", [2], Forever);
        Assert.Equal([2], await _cache.GetAsync("k"));
        await _cache.RemoveAsync("k");
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task An_invalidation_arriving_while_the_get_is_in_flight_leaves_no_stale_copy()
    {
        await SeedAsync("k", [1]);
        var listener = _cache.Listener!;
        _cache.AfterMissRead = async key =>
        {
            // The GET has its old value; the write lands and its invalidation is heard before the copy is kept.
            _cache.AfterMissRead = null;
            var stripe = listener.Stripe(key);
            await _other.SetAsync("k", [2], Forever);
            await UntilAsync(() => listener.Stripe(key) != stripe, "the invalidation");
        };
        Assert.Equal([1], await _cache.GetAsync("k"));
        Assert.Equal(0, _cache.NearCount);
        Assert.Equal([2], await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task Losing_the_listening_connection_drops_every_copy()
    {
        for (var i = 0; i < 5; i++)
        {
            await SeedAsync("k" + i, [(byte)i]);
            await _cache.GetAsync("k" + i);
        }

        Assert.Equal(5, _cache.NearCount);
        await using var raw = await _node.ConnectAsync();
        await raw.CallAsync("CLIENT", "KILL", "SKIPME", "yes");
        await UntilAsync(() => _cache.NearCount == 0, "the copies to go");
        await _cache.Listener!.WhenReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([3], await _cache.GetAsync("k3"));
        Assert.Equal(1, _cache.NearCount);
    }

    [Fact]
    public async Task A_flush_drops_every_copy()
    {
        await SeedAsync("k", [1]);
        await _cache.GetAsync("k");
        await using var raw = await _node.ConnectAsync();
        await raw.CallAsync("FLUSHALL");
        await UntilAsync(() => _cache.NearCount == 0, "the flush");
        Assert.Null(await _cache.GetAsync("k"));
    }

    [Fact]
    public async Task The_copies_stay_within_max_entries_and_keep_what_is_read()
    {
        await using var small = NearCache(_node.Endpoint, o => o.NearCache.MaxEntries = 10);
        await small.Listener!.WhenReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await SeedAsync("hot", [0], small);
        for (var i = 0; i < 60; i++)
        {
            await SeedAsync("c" + i, [(byte)i], small);
            await small.GetAsync("c" + i);
            await small.GetAsync("hot");
            Assert.InRange(small.NearCount, 1, 10);
        }

        var before = await GetCallsAsync();
        await small.GetAsync("hot");
        Assert.Equal(before, await GetCallsAsync());
    }

    [Fact]
    public async Task Values_over_max_entry_bytes_are_not_copied()
    {
        await using var small = NearCache(_node.Endpoint, o => o.NearCache.MaxEntryBytes = 100);
        await small.Listener!.WhenReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await SeedAsync("big", new byte[200], small);
        await SeedAsync("small", new byte[10], small);
        Assert.Equal(200, (await small.GetAsync("big"))!.Length);
        Assert.Equal(10, (await small.GetAsync("small"))!.Length);
        Assert.Equal(1, small.NearCount);
    }

    [Fact]
    public void Bad_bounds_fail_at_start()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => NearCache(_node.Endpoint, o => o.NearCache.MaxEntries = 0));
        Assert.Contains("NearCache:MaxEntries", ex.Message, StringComparison.Ordinal);
    }

    // A write whose invalidation this client has heard: a test that then reads and counts copies
    // is not raced by the write's own late invalidation (which removes a copy, as it must).
    private async Task SeedAsync(string key, byte[] value, GossipCache? reader = null)
    {
        var listener = (reader ?? _cache).Listener!;
        var stripe = listener.Stripe(key);
        await _other.SetAsync(key, value, Forever);
        await UntilAsync(() => listener.Stripe(key) != stripe, $"the invalidation of {key}");
    }

    private static GossipCache NearCache(string seeds, Action<GossipCacheOptions>? configure = null)
    {
        var options = new GossipCacheOptions { Seeds = seeds, InstanceName = "near:" };
        options.NearCache.Enabled = true;
        configure?.Invoke(options);
        return new GossipCache(Options.Create(options));
    }

    private async Task<long> GetCallsAsync()
    {
        await using var raw = await _node.ConnectAsync();
        var info = await raw.CallAsync("INFO", "commandstats");
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_get:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture);
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
}
