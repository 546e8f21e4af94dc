using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;

namespace Cache.Client.Tests.Caching;

/// <summary>
/// What an <see cref="IDistributedCache"/> must do, run against RedisCache on redis-server and
/// against GossipCache on our node: both must pass. Expiry tests use real time (the reference
/// server has no other clock), whole seconds (RedisCache rounds TTLs down to seconds) and awaited
/// conditions with a generous bound.
/// </summary>
public abstract class DistributedCacheConformanceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IDistributedCacheFixture
{
    private static readonly TimeSpan GoneWithin = TimeSpan.FromSeconds(6);

    protected IDistributedCache Cache => fixture.Cache;

    private static string NewKey() => "k-" + Guid.NewGuid().ToString("N");

    private static DistributedCacheEntryOptions Forever => new();

    [Fact]
    public async Task Set_then_get_round_trips_async_and_sync()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [1, 2, 3], Forever);
        Assert.Equal([1, 2, 3], await Cache.GetAsync(key));
        Cache.Set(key, [4, 5], Forever);
        Assert.Equal([4, 5], Cache.Get(key));
        Assert.Equal(-1, await fixture.PttlAsync(key));
    }

    [Fact]
    public async Task A_missing_key_reads_as_null()
    {
        Assert.Null(await Cache.GetAsync(NewKey()));
        Assert.Null(Cache.Get(NewKey()));
    }

    [Fact]
    public async Task An_empty_value_round_trips_as_empty()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [], Forever);
        Assert.Equal(Array.Empty<byte>(), await Cache.GetAsync(key));
    }

    [Fact]
    public async Task A_large_value_round_trips()
    {
        var key = NewKey();
        var value = new byte[4 * 1024 * 1024 + 3];
        new Random(7).NextBytes(value);
        await Cache.SetAsync(key, value, Forever);
        Assert.Equal(value, await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Remove_deletes_and_removing_a_missing_key_is_fine()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [9], Forever);
        await Cache.RemoveAsync(key);
        Assert.Null(await Cache.GetAsync(key));
        Cache.Set(key, [9], Forever);
        Cache.Remove(key);
        Assert.Null(Cache.Get(key));
        await Cache.RemoveAsync(NewKey());
    }

    [Fact]
    public async Task Set_replaces_value_and_expiry()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
        await Cache.SetAsync(key, [2], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(50) });
        Assert.Equal([2], await Cache.GetAsync(key));
        Assert.InRange(await fixture.PttlAsync(key), 49 * 60_000, 50 * 60_000);
    }

    [Fact]
    public async Task Relative_expiration_sets_the_ttl_and_expires()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        Assert.Equal([1], await Cache.GetAsync(key));
        Assert.InRange(await fixture.PttlAsync(key), 1, 1000);
        await GoneAsync(key);
    }

    [Fact]
    public async Task Absolute_expiration_expires()
    {
        var key = NewKey();
        // Two seconds: RedisCache truncates the 1.99.. s left to 1 s; a bare second would become 0, deleting at once.
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = TimeProvider.System.GetUtcNow().AddSeconds(2) });
        Assert.Equal([1], await Cache.GetAsync(key));
        Assert.InRange(await fixture.PttlAsync(key), 1, 2000);
        await GoneAsync(key);
    }

    [Fact]
    public async Task Long_expirations_set_the_matching_ttl()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = TimeProvider.System.GetUtcNow().AddHours(2) });
        Assert.InRange(await fixture.PttlAsync(key), (2 * 3600_000) - 5000, 2 * 3600_000);
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(20) });
        Assert.InRange(await fixture.PttlAsync(key), (20 * 60_000) - 5000, 20 * 60_000);
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(20), AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(3) });
        Assert.InRange(await fixture.PttlAsync(key), (3 * 60_000) - 5000, 3 * 60_000);
    }

    [Fact]
    public async Task Reads_slide_a_sliding_entry_and_it_expires_once_left_alone()
    {
        var key = NewKey();
        // A 2 s window (RedisCache keeps whole seconds) and 3 s of reads every 300 ms: longer than
        // the window, so only sliding keeps it alive, with room for a loaded machine's late timers.
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(2) });
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMilliseconds(3000))
        {
            Assert.Equal([1], await Cache.GetAsync(key));
            await Task.Delay(300);
        }

        await GoneAsync(key, read: false);
    }

    [Fact]
    public async Task Refresh_slides_a_sliding_entry()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(2) });
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMilliseconds(3000))
        {
            await Cache.RefreshAsync(key);
            Cache.Refresh(key);
            await Task.Delay(300);
        }

        Assert.Equal([1], await Cache.GetAsync(key));
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        await Cache.RefreshAsync(NewKey());
    }

    [Fact]
    public async Task Refresh_leaves_an_absolute_only_entry_alone()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(2) });
        await Cache.RefreshAsync(key);
        Assert.InRange(await fixture.PttlAsync(key), 1, 2 * 60_000);
        Assert.Equal([1], await Cache.GetAsync(key));
        Assert.InRange(await fixture.PttlAsync(key), 1, 2 * 60_000);
    }

    [Fact]
    public async Task Sliding_is_capped_by_the_absolute_end()
    {
        var key = NewKey();
        await Cache.SetAsync(key, [1], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(10),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(2),
        });
        Assert.InRange(await fixture.PttlAsync(key), 1, 2000);
        // Reads keep sliding it, yet it is gone by its absolute end.
        await GoneAsync(key);
    }

    [Fact]
    public async Task An_absolute_expiration_in_the_past_is_rejected()
    {
        var past = new DistributedCacheEntryOptions { AbsoluteExpiration = TimeProvider.System.GetUtcNow().AddMinutes(-1) };
        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Cache.SetAsync(NewKey(), [1], past));
        Assert.Equal("AbsoluteExpiration", ex.ParamName);
        Assert.StartsWith("The absolute expiration value must be in the future.", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Cache.Set(NewKey(), [1], past));
    }

    [Fact]
    public async Task Null_arguments_throw_ArgumentNullException()
    {
        await Assert.ThrowsAsync<ArgumentNullException>("key", () => Cache.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>("key", () => Cache.SetAsync(null!, [1], Forever));
        // RedisCache names the parameter "array" (its ReadOnlySequence constructor throws first); ours says "value".
        await Assert.ThrowsAsync<ArgumentNullException>(() => Cache.SetAsync("k", null!, Forever));
        await Assert.ThrowsAsync<ArgumentNullException>("options", () => Cache.SetAsync("k", [1], null!));
        await Assert.ThrowsAsync<ArgumentNullException>("key", () => Cache.RefreshAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>("key", () => Cache.RemoveAsync(null!));
        Assert.Throws<ArgumentNullException>("key", () => Cache.Get(null!));
        Assert.Throws<ArgumentNullException>("key", () => Cache.Set(null!, [1], Forever));
        Assert.Throws<ArgumentNullException>(() => Cache.Set("k", null!, Forever));
        Assert.Throws<ArgumentNullException>("options", () => Cache.Set("k", [1], null!));
        Assert.Throws<ArgumentNullException>("key", () => Cache.Refresh(null!));
        Assert.Throws<ArgumentNullException>("key", () => Cache.Remove(null!));
    }

    [Fact]
    public async Task A_cancelled_token_cancels_before_any_work()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var key = NewKey();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache.GetAsync(key, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache.SetAsync(key, [1], Forever, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache.RefreshAsync(key, cancelled.Token));
        Assert.Null(await Cache.GetAsync(key));
    }

    [Fact]
    public async Task Buffer_paths_write_into_the_destination_and_take_multi_segment_values()
    {
        var buffer = Assert.IsAssignableFrom<IBufferDistributedCache>(Cache);
        var key = NewKey();
        var value = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        await buffer.SetAsync(key, Segmented(value, 3), Forever);
        var writer = new ArrayBufferWriter<byte>();
        Assert.True(await buffer.TryGetAsync(key, writer));
        Assert.Equal(value, writer.WrittenSpan.ToArray());

        buffer.Set(key, Segmented([7, 8, 9], 2), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        writer.ResetWrittenCount();
        Assert.True(buffer.TryGet(key, writer));
        Assert.Equal([7, 8, 9], writer.WrittenSpan.ToArray());

        writer.ResetWrittenCount();
        Assert.False(await buffer.TryGetAsync(NewKey(), writer));
        Assert.False(buffer.TryGet(NewKey(), writer));
        Assert.Equal(0, writer.WrittenCount);
    }

    [Fact]
    public async Task Concurrent_callers_each_see_their_own_values()
    {
        var prefix = NewKey();
        await Parallel.ForEachAsync(Enumerable.Range(0, 64), async (caller, token) =>
        {
            for (var i = 0; i < 40; i++)
            {
                var key = $"{prefix}-{caller}-{i % 5}";
                byte[] value = [(byte)caller, (byte)i];
                await Cache.SetAsync(key, value, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) }, token);
                Assert.Equal(value, await Cache.GetAsync(key, token));
            }
        });
    }

    private async Task GoneAsync(string key, bool read = true)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < GoneWithin)
        {
            if ((read ? await Cache.GetAsync(key) : null) is null && await fixture.PttlAsync(key) == -2)
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{key} still there after {GoneWithin}");
    }

    private static ReadOnlySequence<byte> Segmented(byte[] value, int parts)
    {
        var size = (value.Length + parts - 1) / parts;
        Segment? first = null;
        Segment? last = null;
        for (var start = 0; start < value.Length; start += size)
        {
            var chunk = value.AsMemory(start, Math.Min(size, value.Length - start));
            last = last is null ? first = new Segment(chunk, 0) : last.Append(chunk);
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
