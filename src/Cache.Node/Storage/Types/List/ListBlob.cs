using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// A list's elements packed one after another, like Redis' listpack: per element a varint length
/// then its bytes. A small list is one blob in its key's record, prefixed by a 4-byte element
/// count (<see cref="Start"/>); a large list's nodes hold the same element run without the count
/// (their directory keeps it). The record form is also replication's wire form.
/// </summary>
internal static class ListBlob
{
    /// <summary>Offset of the first element in the record form (after the count).</summary>
    public const int Start = sizeof(int);

    /// <summary>The record form of an empty list.</summary>
    public static ReadOnlySpan<byte> Empty => [0, 0, 0, 0];

    public static int Count(ReadOnlySpan<byte> blob) => blob.Length < Start ? 0 : BinaryPrimitives.ReadInt32LittleEndian(blob);

    public static void SetCount(Span<byte> blob, int count) => BinaryPrimitives.WriteInt32LittleEndian(blob, count);

    /// <summary>The element run of a record-form blob.</summary>
    public static ReadOnlySpan<byte> Elements(ReadOnlySpan<byte> blob) => blob.Length < Start ? [] : blob[Start..];

    /// <summary>Bytes one element of <paramref name="length"/> bytes takes in a run.</summary>
    public static int ElementSize(int length) => RecordLayout.VarintSize((uint)length) + length;

    /// <summary>Reads the element at byte <paramref name="position"/> of a run; returns the position after it.</summary>
    public static int ReadAt(ReadOnlySpan<byte> run, int position, out ReadOnlySpan<byte> element)
    {
        var at = RecordLayout.ReadVarint(run, position, out var length);
        element = run.Slice(at, (int)length);
        return at + (int)length;
    }

    /// <summary>Writes one element (length and bytes) at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> element)
    {
        var at = RecordLayout.WriteVarint(destination, (uint)element.Length);
        element.CopyTo(destination[at..]);
        return at + element.Length;
    }

    /// <summary>The byte position of element <paramref name="index"/> of a run (its length when the index is the count).</summary>
    public static int PositionOf(ReadOnlySpan<byte> run, int index)
    {
        var position = 0;
        for (var i = 0; i < index; i++)
        {
            position = ReadAt(run, position, out _);
        }

        return position;
    }

    /// <summary>The byte position of the last element of a non-empty run.</summary>
    public static int LastPosition(ReadOnlySpan<byte> run)
    {
        var last = 0;
        for (var position = 0; position < run.Length; position = ReadAt(run, position, out _))
        {
            last = position;
        }

        return last;
    }

    /// <summary>Fills <paramref name="positions"/> with the start of each element of a run; returns how many.</summary>
    public static int Positions(ReadOnlySpan<byte> run, Span<int> positions)
    {
        var n = 0;
        for (var position = 0; position < run.Length; position = ReadAt(run, position, out _))
        {
            positions[n++] = position;
        }

        return n;
    }
}
