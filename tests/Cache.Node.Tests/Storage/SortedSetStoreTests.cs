using System.Text;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>The sorted-set module's structures: the order index, the member index, the switch between encodings, the codec and memory accounting.</summary>
public sealed class SortedSetStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2029, 7, 1, 8, 30, 0, TimeSpan.Zero));

    [Fact]
    public void The_order_index_keeps_ranks_through_splits_and_merges()
    {
        var index = new ZSetOrderIndex();
        var model = new List<long>();
        var random = new Random(1234);
        for (var step = 0; step < 20_000; step++)
        {
            if (model.Count == 0 || random.Next(3) != 0)
            {
                var rank = random.Next(model.Count + 1);
                var handle = step + 1L;
                index.InsertAt(rank, handle);
                model.Insert(rank, handle);
            }
            else
            {
                var rank = random.Next(model.Count);
                Assert.Equal(model[rank], index.RemoveAt(rank));
                model.RemoveAt(rank);
            }

            if (step % 997 == 0)
            {
                AssertSame(model, index);
            }
        }

        // Drain most of it: blocks merge and empty ones go.
        while (model.Count > 3)
        {
            var rank = random.Next(model.Count);
            Assert.Equal(model[rank], index.RemoveAt(rank));
            model.RemoveAt(rank);
        }

        AssertSame(model, index);
        Assert.True(index.BlockCount <= 1);
    }

    [Fact]
    public void Appends_at_either_end_fill_whole_blocks()
    {
        var index = new ZSetOrderIndex();
        var model = new List<long>();
        for (var i = 0; i < 10 * ZSetOrderIndex.BlockSize; i++)
        {
            index.InsertAt(index.Count, i + 1);
            model.Add(i + 1);
            index.InsertAt(0, -(i + 1));
            model.Insert(0, -(i + 1));
        }

        AssertSame(model, index);
        // The first block holds the first 64 of each side; every other block is full.
        Assert.Equal(21, index.BlockCount);
    }

    [Fact]
    public void A_large_set_finds_ranks_and_members_after_many_updates()
    {
        var set = new LargeSortedSet(new SlabAllocator(), 16);
        var model = new Dictionary<string, double>();
        var random = new Random(99);
        for (var step = 0; step < 5_000; step++)
        {
            var member = $"m{random.Next(1_500)}";
            if (random.Next(4) == 0)
            {
                Assert.Equal(model.Remove(member), set.Remove(Encoding.ASCII.GetBytes(member)));
                continue;
            }

            var score = random.Next(50) / 4.0;
            Assert.Equal(!model.ContainsKey(member), set.Set(Encoding.ASCII.GetBytes(member), score));
            model[member] = score;
        }

        var expected = model.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Count, set.Count);
        for (var rank = 0; rank < expected.Count; rank++)
        {
            set.ReadAt(rank, out var member, out var score);
            Assert.Equal(expected[rank].Key, Encoding.ASCII.GetString(member));
            Assert.Equal(expected[rank].Value, score);
            Assert.Equal(rank, set.RankOf(member, out _));
        }
    }

    [Fact]
    public void A_set_is_packed_up_to_the_limits_and_large_past_them()
    {
        var keys = new KeySpace(_time);
        using var scope = keys.Enter();
        ref var entry = ref keys.GetOrAdd("z"u8, out _);
        for (var i = 0; i < 128; i++)
        {
            keys.SortedSets.Set(ref entry, Encoding.ASCII.GetBytes($"m{i}"), i);
        }

        Assert.Equal("listpack", keys.SortedSets.EncodingOf(entry));
        keys.SortedSets.Set(ref entry, "m128"u8, 128);
        Assert.Equal("skiplist", keys.SortedSets.EncodingOf(entry));
        Assert.Equal(129, keys.SortedSets.Count(entry));
        keys.SortedSets.ReadAt(entry, 128, out var last, out var score);
        Assert.Equal(("m128", 128.0), (Encoding.ASCII.GetString(last), score));

        ref var wide = ref keys.GetOrAdd("w"u8, out _);
        keys.SortedSets.Set(ref wide, "short"u8, 1);
        Assert.Equal("listpack", keys.SortedSets.EncodingOf(wide));
        keys.SortedSets.Set(ref wide, new byte[65], 2);
        Assert.Equal("skiplist", keys.SortedSets.EncodingOf(wide));
    }

    [Fact]
    public void Packed_writes_keep_score_then_member_order()
    {
        var keys = new KeySpace(_time);
        using var scope = keys.Enter();
        ref var entry = ref keys.GetOrAdd("z"u8, out _);
        var store = keys.SortedSets;
        store.Set(ref entry, "b"u8, 2);
        store.Set(ref entry, "a"u8, 2);
        store.Set(ref entry, "c"u8, 1);
        store.Set(ref entry, "c"u8, 3);
        store.Set(ref entry, "a"u8, 0.5);
        Assert.Equal(["a:0.5", "b:2", "c:3"], Members(store, entry));
        store.RemoveRange(ref entry, 1, 1);
        Assert.True(store.Remove(ref entry, "a"u8));
        Assert.False(store.Remove(ref entry, "a"u8));
        Assert.Equal(["c:3"], Members(store, entry));
    }

    [Fact]
    public void Replication_lands_a_set_in_the_encoding_the_receiver_chooses_both_ways()
    {
        var (from, to) = (new KeySpace(_time), new KeySpace(_time));
        from.Limits.ZSetMaxListpackEntries = 4;
        ref var entry = ref from.GetOrAdd("z"u8, out _);
        for (var i = 0; i < 10; i++)
        {
            from.SortedSets.Set(ref entry, Encoding.ASCII.GetBytes($"m{i}"), -i);
        }

        Assert.Equal("skiplist", from.SortedSets.EncodingOf(from.Lookup("z"u8)));
        var wire = from.Export("z"u8)!.Value;
        Assert.Equal(ValueKind.SortedSet, wire.Kind);
        Assert.True(to.Apply("z"u8, wire));
        ref var copy = ref to.Lookup("z"u8);
        Assert.Equal("listpack", to.SortedSets.EncodingOf(copy));
        Assert.Equal(Members(from.SortedSets, from.Lookup("z"u8)), Members(to.SortedSets, copy));

        // And back: a packed set sent to a node with lower limits arrives large.
        var back = new KeySpace(_time);
        back.Limits.ZSetMaxListpackEntries = 2;
        Assert.True(back.Apply("z"u8, to.Export("z"u8)!.Value));
        Assert.Equal("skiplist", back.SortedSets.EncodingOf(back.Lookup("z"u8)));
        Assert.Equal(Members(to.SortedSets, to.Lookup("z"u8)), Members(back.SortedSets, back.Lookup("z"u8)));
    }

    [Fact]
    public void Used_memory_counts_a_large_set_and_returns_when_it_goes()
    {
        var keys = new KeySpace(_time);
        Fill(keys, 5_000);
        Assert.True(keys.Delete("z"u8));
        var baseline = keys.UsedMemory;
        Assert.Equal(0, keys.SortedSets.ObjectBytes);

        Fill(keys, 5_000);
        var held = keys.UsedMemory - baseline;
        Assert.InRange(held, 5_000 * (16 + 8), 5_000 * 200);
        Assert.True(keys.SortedSets.ObjectBytes > 5_000 * 8);
        Assert.True(keys.Delete("z"u8));
        Assert.Equal(baseline, keys.UsedMemory);
        Assert.Equal(0, keys.SortedSets.ObjectBytes);
    }

    private static void Fill(KeySpace keys, int members)
    {
        ref var entry = ref keys.GetOrAdd("z"u8, out _);
        for (var i = 0; i < members; i++)
        {
            keys.SortedSets.Set(ref entry, Encoding.ASCII.GetBytes($"member:{i}"), i % 97);
        }
    }

    private static List<string> Members(SortedSetStore store, in StoreEntry entry)
    {
        var members = new List<string>();
        var cursor = store.Cursor(entry, 0);
        while (cursor.MoveNext())
        {
            members.Add($"{Encoding.ASCII.GetString(cursor.Member)}:{cursor.Score}");
        }

        return members;
    }

    private static void AssertSame(List<long> model, ZSetOrderIndex index)
    {
        Assert.Equal(model.Count, index.Count);
        var rank = 0L;
        for (var block = 0; block < index.BlockCount; block++)
        {
            Assert.Equal(rank, index.FirstRankOf(block));
            Assert.InRange(index.BlockLength(block), 1, ZSetOrderIndex.BlockSize);
            for (var i = 0; i < index.BlockLength(block); i++, rank++)
            {
                Assert.Equal(model[(int)rank], index.At(block, i));
                Assert.Equal(model[(int)rank], index[rank]);
            }
        }
    }
}
