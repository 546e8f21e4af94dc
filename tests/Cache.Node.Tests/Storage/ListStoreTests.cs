using System.Text;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// The list store's two encodings: a small list packed in its record, a large one as nodes in
/// slab chunks under one directory object; the switch between them on writes and on a
/// replication import, and the memory each holds.
/// </summary>
public sealed class ListStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));

    private static byte[] Bytes(string text) => Encoding.ASCII.GetBytes(text);

    private static List<string> Contents(KeySpace keys, string key)
    {
        ref var entry = ref keys.Lookup(Bytes(key));
        var items = new List<string>();
        var reader = keys.Lists.Read(entry);
        while (reader.MoveNext())
        {
            items.Add(Encoding.ASCII.GetString(reader.Current));
        }

        return items;
    }

    private static void Push(KeySpace keys, string key, IEnumerable<string> elements, bool head = false)
    {
        foreach (var element in elements)
        {
            ref var entry = ref keys.GetOrAdd(Bytes(key), out _);
            keys.Lists.Push(ref entry, Bytes(element), head);
        }
    }

    [Fact]
    public void A_small_list_stays_one_packed_record_and_holds_no_object()
    {
        var keys = new KeySpace(_time);
        Push(keys, "l", ["a", "b", "c"]);
        ref var entry = ref keys.Lookup("l"u8);
        Assert.True(ListStore.IsPacked(entry));
        Assert.Equal(ValueKind.List, entry.Kind);
        Assert.Equal(0, keys.Lists.LargeCount);
        Assert.Equal(0, keys.Lists.ObjectBytes);
        Assert.Equal("quicklist", keys.Lists.EncodingOf(entry));
        Assert.Equal(["a", "b", "c"], Contents(keys, "l"));
    }

    [Fact]
    public void Past_8_KiB_a_list_becomes_nodes_of_at_most_8_KiB_under_one_object()
    {
        var keys = new KeySpace(_time);
        var elements = Enumerable.Range(0, 1000).Select(i => $"element-{i:D5}-{new string('x', 50)}").ToList();
        Push(keys, "l", elements);
        ref var entry = ref keys.Lookup("l"u8);
        Assert.False(ListStore.IsPacked(entry));
        Assert.Equal(1, keys.Lists.LargeCount);
        Assert.Equal(1000, keys.Lists.Length(entry));

        // 1000 elements of 64 bytes (66 with their lengths before and after) in nodes capped at 8 KiB: 124 per node.
        Assert.Equal((int)Math.Ceiling(1000 / 124.0), keys.Lists.NodeCount(entry));
        Assert.Equal(elements, Contents(keys, "l"));
        Assert.Equal(elements[737], Encoding.ASCII.GetString(keys.Lists.Get(entry, 737)));
    }

    [Fact]
    public void A_positive_size_counts_entries_per_node()
    {
        var keys = new KeySpace(_time);
        keys.Limits.ListMaxListpackSize = 4;
        Push(keys, "l", Enumerable.Range(0, 10).Select(i => $"{i}"));
        ref var entry = ref keys.Lookup("l"u8);
        Assert.Equal(3, keys.Lists.NodeCount(entry));

        // An insert into a full node splits it, an LSET that grows one keeps the count.
        Assert.Equal(11, keys.Lists.Insert(ref entry, "5"u8, "X"u8, after: false));
        keys.Lists.Set(ref entry, 0, "first"u8);
        Assert.Equal(["first", "1", "2", "3", "4", "X", "5", "6", "7", "8", "9"], Contents(keys, "l"));
        Assert.True(keys.Lists.NodeCount(entry) >= 3);
    }

    [Fact]
    public void Pops_from_both_ends_cross_nodes_and_free_them()
    {
        var keys = new KeySpace(_time);
        keys.Limits.ListMaxListpackSize = 2;
        Push(keys, "l", ["a", "b", "c", "d", "e"]);
        ref var entry = ref keys.Lookup("l"u8);
        Assert.Equal(3, keys.Lists.NodeCount(entry));
        Assert.Equal("a", Encoding.ASCII.GetString(keys.Lists.Pop(ref entry, head: true)));
        Assert.Equal("e", Encoding.ASCII.GetString(keys.Lists.Pop(ref entry, head: false)));
        Assert.Equal("b", Encoding.ASCII.GetString(keys.Lists.Pop(ref entry, head: true)));
        Assert.Equal(1, keys.Lists.NodeCount(entry));
        Assert.Equal(["c", "d"], Contents(keys, "l"));
    }

    [Fact]
    public void Trim_and_remove_drop_whole_nodes_and_cut_the_end_ones()
    {
        var keys = new KeySpace(_time);
        keys.Limits.ListMaxListpackSize = 3;
        Push(keys, "l", Enumerable.Range(0, 12).Select(i => $"{i % 4}"));
        ref var entry = ref keys.Lookup("l"u8);
        keys.Lists.Trim(ref entry, 4, 2);
        Assert.Equal(["0", "1", "2", "3", "0", "1"], Contents(keys, "l"));
        Assert.Equal(2, keys.Lists.Remove(ref entry, "1"u8, -5));
        Assert.Equal(["0", "2", "3", "0"], Contents(keys, "l"));
        Assert.Equal(1, keys.Lists.Remove(ref entry, "0"u8, 1));
        Assert.Equal(["2", "3", "0"], Contents(keys, "l"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(2000)]
    public void A_list_crosses_as_one_blob_and_lands_in_the_encoding_its_size_calls_for(int count)
    {
        var (from, to) = (new KeySpace(_time), new KeySpace(_time));
        var elements = Enumerable.Range(0, count).Select(i => $"v{i}").ToList();
        Push(from, "l", elements);
        var wire = from.Export("l"u8)!.Value;
        Assert.Equal(ValueKind.List, wire.Kind);
        Assert.Equal(count, ListBlob.Count(wire.Value.Span));

        Assert.True(to.Apply("l"u8, wire));
        ref var copy = ref to.Lookup("l"u8);
        Assert.Equal(count <= 10, ListStore.IsPacked(copy));
        Assert.Equal(elements, Contents(to, "l"));
    }

    [Fact]
    public void A_large_list_imported_over_a_small_one_and_back_keeps_exact_memory()
    {
        var keys = new KeySpace(_time);
        var empty = keys.UsedMemory;
        var big = new KeySpace(_time);
        Push(big, "l", Enumerable.Range(0, 3000).Select(i => $"value-{i}"));
        var small = new KeySpace(_time);
        Push(small, "l", ["x"]);

        Push(keys, "l", ["a", "b"]);
        var later = keys.Export("l"u8)!.Value.Version.Clock + 1000;
        Assert.True(keys.Apply("l"u8, big.Export("l"u8)!.Value with { Version = new EntryVersion(later, 2) }));
        Assert.False(ListStore.IsPacked(keys.Lookup("l"u8)));
        Assert.Equal(1, keys.Lists.LargeCount);
        Assert.True(keys.Lists.UsedBytes > 0);

        Assert.True(keys.Apply("l"u8, small.Export("l"u8)!.Value with { Version = new EntryVersion(later + 1000, 3) }));
        Assert.True(ListStore.IsPacked(keys.Lookup("l"u8)));
        Assert.Equal(["x"], Contents(keys, "l"));
        Assert.Equal(0, keys.Lists.LargeCount);
        Assert.Equal(0, keys.Lists.ObjectBytes);

        Assert.True(keys.Delete("l"u8));
        Assert.Equal(empty, keys.UsedMemory);
    }

    [Fact]
    public void Deleting_a_large_list_gives_back_its_chunks_and_directory()
    {
        var keys = new KeySpace(_time);

        // A first round lets the allocator carve its pages (its page table grows once, for good).
        Fill(keys);
        Assert.True(keys.Delete("l"u8));
        var empty = keys.UsedMemory;
        Fill(keys);
        Assert.True(keys.UsedMemory > empty + 100_000);
        Assert.True(keys.Delete("l"u8));
        Assert.Equal(0, keys.Lists.LargeCount);
        Assert.Equal(empty, keys.UsedMemory);

        static void Fill(KeySpace keys)
        {
            Push(keys, "l", Enumerable.Range(0, 5000).Select(i => $"value-{i}-{new string('y', i % 40)}"));
            Push(keys, "l", Enumerable.Range(0, 500).Select(i => $"head-{i}"), head: true);
        }
    }
}
