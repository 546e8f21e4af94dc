using System.Text;
using Cache.Node.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>The stream store's blocks, memory and wire form, below the commands.</summary>
public sealed class StreamStoreTests
{
    [Fact]
    public void Releasing_a_stream_frees_every_chunk_it_took()
    {
        var memory = new SlabAllocator();
        var directory = new StreamDirectoryBytes();
        var stream = new StreamValue(memory, directory);
        for (var i = 1; i <= 1000; i++)
        {
            Append(stream, new StreamId((ulong)i, 0), $"value {i}", maxEntries: 100, maxBytes: 4096);
        }

        stream.SetGroups(new byte[300]);
        Assert.Equal(10, stream.BlockCount);
        Assert.True(memory.UsedBytes > 1000 * 8);
        Assert.Equal(stream.ChunkBytes(), memory.UsedBytes);
        Assert.Equal(stream.DirectoryBytes, directory.Total);

        stream.Release();
        Assert.Equal(0, memory.UsedBytes);
        Assert.Equal(0, directory.Total);
    }

    [Theory]
    [InlineData(100, 4096, 15)] // 58-byte entries: the byte cap comes first, at 70 a block
    [InlineData(10, 0, 100)]
    [InlineData(0, 64, 1000)]
    public void Blocks_open_at_the_entry_or_byte_cap(int maxEntries, int maxBytes, int blocks)
    {
        var stream = new StreamValue(new SlabAllocator(), new StreamDirectoryBytes());
        for (var i = 1; i <= 1000; i++)
        {
            Append(stream, new StreamId((ulong)i, 0), "12345678901234567890123456789012345678901234567890", maxEntries, maxBytes);
        }

        Assert.Equal(blocks, stream.BlockCount);
    }

    [Fact]
    public void A_block_whose_entries_are_all_deleted_goes()
    {
        var stream = new StreamValue(new SlabAllocator(), new StreamDirectoryBytes());
        for (var i = 1; i <= 6; i++)
        {
            Append(stream, new StreamId((ulong)i, 0), "v", maxEntries: 3, maxBytes: 0);
        }

        Assert.True(stream.Delete(new StreamId(4, 0)));
        Assert.True(stream.Delete(new StreamId(5, 0)));
        Assert.Equal(2, stream.BlockCount);
        Assert.True(stream.Delete(new StreamId(6, 0)));
        Assert.Equal(1, stream.BlockCount);
        Assert.False(stream.Delete(new StreamId(6, 0)));
        Assert.Equal(3, stream.Length);
        Assert.Equal(new StreamId(1, 0), stream.FirstId);
    }

    [Fact]
    public void Copy_keeps_blocks_counters_and_groups()
    {
        var keys = new KeySpace(new FakeTimeProvider());
        ref var entry = ref keys.GetOrAdd("a"u8, out _);
        var stream = keys.Streams.Create(ref entry);
        for (var i = 1; i <= 250; i++)
        {
            Append(stream, new StreamId(5, (ulong)i), $"v{i}", maxEntries: 100, maxBytes: 4096);
        }

        stream.Delete(new StreamId(5, 3));
        stream.MaxDeletedId = new StreamId(5, 3);
        stream.SetGroups([1, 2, 3]);
        keys.Copy("a"u8, "b"u8);
        var copy = keys.Streams.Get(keys.Lookup("b"u8));

        Assert.Equal(stream.Export(), copy.Export());
        Assert.Equal(3, copy.BlockCount);
        Assert.Equal(249, copy.Length);
        Assert.Equal(250, copy.EntriesAdded);
        Assert.Equal(new StreamId(5, 3), copy.MaxDeletedId);
        Assert.Equal("stream", keys.StoreFor(ValueKind.Stream)!.EncodingOf(keys.Lookup("b"u8)));
    }

    [Fact]
    public void A_truncated_wire_form_is_refused()
    {
        var keys = new KeySpace(new FakeTimeProvider());
        ref var entry = ref keys.GetOrAdd("a"u8, out _);
        var stream = keys.Streams.Create(ref entry);
        Append(stream, new StreamId(1, 1), "v", 100, 4096);
        var wire = stream.Export();
        Assert.Throws<InvalidDataException>(() => keys.CodecFor(ValueKind.Stream)!.Import(ref keys.GetOrAdd("b"u8, out _), wire.AsSpan(0, wire.Length - 5)));
    }

    private static void Append(StreamValue stream, StreamId id, string value, int maxEntries, int maxBytes)
    {
        var data = Encoding.ASCII.GetBytes(value);
        var into = stream.Append(id, 1, StreamBytes.StringSize(1) + StreamBytes.StringSize(data.Length), maxEntries, maxBytes);
        var at = StreamBytes.WriteString(into, "f"u8);
        StreamBytes.WriteString(into[at..], data);
    }
}
