using System.Text;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Storage;

public sealed class EntryTableTests
{
    [Fact]
    public void Finds_by_span_across_growth_and_keeps_slot_indices()
    {
        var table = new EntryTable(new SlabAllocator(), 4);
        var slots = new Dictionary<string, int>();
        for (var i = 0; i < 20_000; i++)
        {
            var key = Encoding.ASCII.GetBytes($"k{i}");
            var slot = table.Add(key, 3);
            "abc"u8.CopyTo(table.ValueOf(table.EntryAt(slot)));
            slots[$"k{i}"] = slot;
        }

        Assert.Equal(20_000, table.Count);
        foreach (var (key, slot) in slots)
        {
            Assert.Equal(slot, table.IndexOf(Encoding.ASCII.GetBytes(key)));
            Assert.Equal(key, Encoding.ASCII.GetString(table.KeyAt(slot)));
            Assert.Equal("abc", Encoding.ASCII.GetString(table.ValueOf(table.EntryAt(slot))));
        }

        Assert.Equal(-1, table.IndexOf("missing"u8));
        Assert.Equal(-1, table.IndexOf(""u8));
    }

    [Fact]
    public void A_slot_is_forty_bytes_and_holds_no_reference()
    {
        Assert.Equal(40, System.Runtime.CompilerServices.Unsafe.SizeOf<StoreEntry>());
        Assert.False(System.Runtime.CompilerServices.RuntimeHelpers.IsReferenceOrContainsReferences<StoreEntry>());
    }

    [Fact]
    public void Keys_sharing_a_bucket_are_found_and_removed_independently()
    {
        // 4 buckets and 64 keys: every chain is long, removal from head, middle and tail all happen.
        var table = new EntryTable(new SlabAllocator(), 4);
        var keys = Enumerable.Range(0, 64).Select(i => Encoding.ASCII.GetBytes($"c{i}")).ToArray();
        foreach (var key in keys)
        {
            table.Add(key, 0);
        }

        for (var i = 0; i < keys.Length; i += 3)
        {
            table.RemoveAt(table.IndexOf(keys[i]));
        }

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(i % 3 != 0, table.IndexOf(keys[i]) >= 0);
        }
    }

    [Fact]
    public void A_freed_slot_and_its_memory_are_reused()
    {
        var memory = new SlabAllocator();
        var table = new EntryTable(memory, 16);
        var first = table.Add("first"u8, 10);
        table.Add("second"u8, 10);
        var used = memory.UsedBytes;
        table.RemoveAt(first);
        Assert.False(table.IsOccupied(first));
        Assert.Equal(first, table.Add("third"u8, 10));
        Assert.Equal(used, memory.UsedBytes);
        Assert.Equal(2, table.EntryLimit);
        Assert.Equal("third", Encoding.ASCII.GetString(table.KeyAt(first)));
    }

    [Fact]
    public void Resizing_a_value_keeps_the_key_and_the_kept_prefix()
    {
        var table = new EntryTable(new SlabAllocator(), 16);
        var slot = table.Add("key"u8, 5);
        "hello"u8.CopyTo(table.ValueOf(table.EntryAt(slot)));
        foreach (var length in new[] { 6, 200, 100_000, 300_000, 7, 3 })
        {
            var value = table.ResizeValue(ref table.EntryAt(slot), length, keep: 5);
            Assert.Equal(length, value.Length);
            Assert.Equal("key", Encoding.ASCII.GetString(table.KeyAt(slot)));
            Assert.Equal("hello"[..Math.Min(5, length)], Encoding.ASCII.GetString(value[..Math.Min(5, length)]));
            Assert.Equal(slot, table.IndexOf("key"u8));
        }
    }

    [Fact]
    public void Record_header_varints_round_trip_at_every_width()
    {
        Span<byte> buffer = stackalloc byte[5];
        foreach (var value in new uint[] { 0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456, uint.MaxValue })
        {
            var written = RecordLayout.WriteVarint(buffer, value);
            Assert.Equal(RecordLayout.VarintSize(value), written);
            Assert.Equal(written, RecordLayout.ReadVarint(buffer, 0, out var read));
            Assert.Equal(value, read);
        }
    }
}
