using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// A list's elements packed one after another, like Redis' listpack: per element a varint length,
/// its bytes, and the length again backwards (listpack's backlen), so the last element of a run is
/// found from its end in O(1) (RPOP, LMOVE RIGHT) as the first is from its start. A small list is one blob in its key's record, prefixed by a 4-byte element
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
    public static int ElementSize(int length) => (2 * RecordLayout.VarintSize((uint)length)) + length;

    /// <summary>Reads the element at byte <paramref name="position"/> of a run; returns the position after it.</summary>
    public static int ReadAt(ReadOnlySpan<byte> run, int position, out ReadOnlySpan<byte> element)
    {
        var at = RecordLayout.ReadVarint(run, position, out var length);
        element = run.Slice(at, (int)length);
        return at + (int)length + RecordLayout.VarintSize(length);
    }

    /// <summary>Writes one element (length, bytes, length backwards) at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> element)
    {
        var at = RecordLayout.WriteVarint(destination, (uint)element.Length);
        element.CopyTo(destination[at..]);
        at += element.Length;

        // The same varint with its bytes in reverse order: read from the end, low bits first.
        var width = RecordLayout.WriteVarint(destination[at..], (uint)element.Length);
        destination.Slice(at, width).Reverse();
        return at + width;
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

    /// <summary>The byte position of the last element of a non-empty run, read from its end.</summary>
    public static int LastPosition(ReadOnlySpan<byte> run) => PreviousPosition(run, run.Length);

    /// <summary>The byte position of the element that ends at <paramref name="end"/>.</summary>
    public static int PreviousPosition(ReadOnlySpan<byte> run, int end)
    {
        var at = end - 1;
        var b = run[at];
        var length = (uint)(b & 0x7F);
        for (var shift = 7; (b & 0x80) != 0; shift += 7)
        {
            b = run[--at];
            length |= (uint)(b & 0x7F) << shift;
        }

        return at - (int)length - RecordLayout.VarintSize(length);
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
