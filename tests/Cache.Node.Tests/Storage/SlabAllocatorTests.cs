using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

public sealed class SlabAllocatorTests
{
    [Fact]
    public void Size_classes_grow_geometrically_and_cover_every_size()
    {
        Assert.Equal(16, SizeClasses.SizeOf(0));
        Assert.Equal(SizeClasses.MaxChunk, SizeClasses.SizeOf(SizeClasses.Count - 1));
        for (var c = 1; c < SizeClasses.Count; c++)
        {
            var (previous, size) = (SizeClasses.SizeOf(c - 1), SizeClasses.SizeOf(c));
            Assert.True(size > previous && size % 8 == 0 && size <= Math.Max(previous + 8, previous * 1.25) + 8, $"class {c}: {previous} -> {size}");
        }

        for (var size = 0; size <= SizeClasses.MaxChunk; size += 7)
        {
            var cls = SizeClasses.ClassOf(size);
            Assert.True(SizeClasses.SizeOf(cls) >= size);
            Assert.True(cls == 0 || SizeClasses.SizeOf(cls - 1) < size, $"size {size} is not in the smallest class");
        }
    }

    [Fact]
    public void A_freed_chunk_is_reused_by_its_class_and_counted_once()
    {
        var slab = new SlabAllocator();
        var a = slab.Allocate(50);
        var b = slab.Allocate(50);
        Assert.NotEqual(a, b);
        Assert.True(a > 0 && b > 0);
        Assert.Equal(2L * SizeClasses.SizeOf(SizeClasses.ClassOf(50)), slab.UsedBytes);
        slab.Free(a);
        Assert.Equal(SizeClasses.SizeOf(SizeClasses.ClassOf(50)), slab.UsedBytes);
        Assert.Equal(a, slab.Allocate(49));
        Assert.NotEqual(a, slab.Allocate(300));
    }

    [Fact]
    public void Chunks_do_not_overlap_and_keep_their_bytes()
    {
        var slab = new SlabAllocator();
        var random = new Random(7);
        var chunks = new List<(long Handle, byte Fill, int Size)>();
        for (var i = 0; i < 5000; i++)
        {
            var size = random.Next(1, 3000);
            var handle = slab.Allocate(size);
            var fill = (byte)random.Next(256);
            slab.Chunk(handle)[..size].Fill(fill);
            chunks.Add((handle, fill, size));
            if (random.Next(3) == 0)
            {
                var victim = random.Next(chunks.Count);
                slab.Free(chunks[victim].Handle);
                chunks.RemoveAt(victim);
            }
        }

        foreach (var (handle, fill, size) in chunks)
        {
            Assert.True(slab.Chunk(handle).Length >= size);
            Assert.All(slab.Chunk(handle)[..size].ToArray(), b => Assert.Equal(fill, b));
        }
    }

    [Fact]
    public void Records_larger_than_a_chunk_get_their_own_array_and_give_it_back()
    {
        var slab = new SlabAllocator();
        var handle = slab.Allocate(SizeClasses.MaxChunk + 1);
        Assert.True(handle < 0);
        Assert.Equal(SizeClasses.MaxChunk + 1, slab.Chunk(handle).Length);
        Assert.Equal(SizeClasses.MaxChunk + 1, slab.UsedBytes);
        Assert.Equal(0, slab.PageCount);
        slab.Free(handle);
        Assert.Equal(0, slab.UsedBytes);
        Assert.Equal(0, slab.LargeCount);
        Assert.Equal(handle, slab.Allocate(SizeClasses.MaxChunk + 5));
    }

    /// <summary>The brief's churn test: 1M overwrites, sizes 1..4096, over 10k keys.</summary>
    [Fact]
    public void A_long_run_of_overwrites_with_varying_sizes_stays_bounded()
    {
        var keys = new KeySpace(new FakeTimeProvider(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero)));
        var random = new Random(42);
        var value = new byte[4096];
        Span<byte> key = stackalloc byte[16];
        long committedAfterWarmUp = 0;
        long peakUsed = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            var name = key[..FormatKey(random.Next(10_000), key)];
            keys.SetString(name, value.AsSpan(0, random.Next(1, 4097)));
            peakUsed = Math.Max(peakUsed, keys.UsedMemory);
            if (i == 100_000)
            {
                committedAfterWarmUp = keys.CommittedMemory;
            }
        }

        // 10k values of 2 KiB on average: ~21 MB of data. Without reuse a million writes would
        // need ~2 GB; with size classes the footprint stops growing once every class is warm.
        Assert.Equal(10_000, keys.Count);
        Assert.True(peakUsed < 32L << 20, $"used {peakUsed}");
        Assert.True(keys.CommittedMemory < 48L << 20, $"committed {keys.CommittedMemory}");
        Assert.True(keys.CommittedMemory <= committedAfterWarmUp + (8L << 20), $"committed grew from {committedAfterWarmUp} to {keys.CommittedMemory}");
    }

    private static int FormatKey(int n, Span<byte> destination)
    {
        "key:"u8.CopyTo(destination);
        n.TryFormat(destination[4..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return 4 + written;
    }
}
