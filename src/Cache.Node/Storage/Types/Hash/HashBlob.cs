using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// A hash's field/value pairs packed into one value, like Redis' listpack: a 4-byte pair count
/// then, per pair, varint field length, field, varint value length, value, in insertion order.
/// Small hashes live this way in the slab (no object per field); the key space converts a hash to
/// a table once it passes <see cref="MaxPairs"/> or <see cref="MaxItemLength"/>. Replication
/// ships every hash in this encoding. Positions are byte offsets of pair starts.
/// </summary>
internal static class HashBlob
{
    /// <summary>Above this many pairs a hash becomes a table (Redis: hash-max-listpack-entries).</summary>
    public const int MaxPairs = 128;

    /// <summary>A field or value longer than this makes a hash a table (Redis: hash-max-listpack-value).</summary>
    public const int MaxItemLength = 64;

    /// <summary>Offset of the first pair.</summary>
    public const int Start = sizeof(int);

    public static int Count(ReadOnlySpan<byte> blob) => blob.Length < Start ? 0 : BinaryPrimitives.ReadInt32LittleEndian(blob);

    public static int PairSize(int fieldLength, int valueLength) =>
        RecordLayout.VarintSize((uint)fieldLength) + fieldLength + RecordLayout.VarintSize((uint)valueLength) + valueLength;

    /// <summary>Reads the pair at <paramref name="position"/>; returns the position after it.</summary>
    public static int ReadAt(ReadOnlySpan<byte> blob, int position, out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        var at = RecordLayout.ReadVarint(blob, position, out var fieldLength);
        field = blob.Slice(at, (int)fieldLength);
        at = RecordLayout.ReadVarint(blob, at + (int)fieldLength, out var valueLength);
        value = blob.Slice(at, (int)valueLength);
        return at + (int)valueLength;
    }

    /// <summary>The position of <paramref name="field"/>'s pair, or -1; <paramref name="end"/> is where the pair ends.</summary>
    public static int Find(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> field, out int end, out ReadOnlySpan<byte> value)
    {
        if (blob.Length >= Start)
        {
            for (var position = Start; position < blob.Length; position = end)
            {
                end = ReadAt(blob, position, out var name, out value);
                if (name.SequenceEqual(field))
                {
                    return position;
                }
            }
        }

        end = -1;
        value = default;
        return -1;
    }

    /// <summary>
    /// Writes <paramref name="blob"/> with the pair at [<paramref name="start"/>, <paramref name="end"/>)
    /// replaced by (field, value), or with the pair appended when <paramref name="start"/> is -1.
    /// Returns the length written.
    /// </summary>
    public static int WriteWith(ReadOnlySpan<byte> blob, int start, int end, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var count = Count(blob);
        if (blob.Length < Start)
        {
            blob = [0, 0, 0, 0];
        }

        if (start < 0)
        {
            start = end = blob.Length;
            count++;
        }

        blob[..start].CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination, count);
        var at = start + WritePair(destination[start..], field, value);
        blob[end..].CopyTo(destination[at..]);
        return at + blob.Length - end;
    }

    /// <summary>Writes <paramref name="blob"/> without the pair at [start, end); returns the length written.</summary>
    public static int WriteWithout(ReadOnlySpan<byte> blob, int start, int end, Span<byte> destination)
    {
        blob[..start].CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination, Count(blob) - 1);
        blob[end..].CopyTo(destination[start..]);
        return blob.Length - (end - start);
    }

    /// <summary>Appends a pair at <paramref name="length"/> in a blob being built; returns the new length.</summary>
    public static int Append(Span<byte> destination, int length, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (length < Start)
        {
            length = Start;
            BinaryPrimitives.WriteInt32LittleEndian(destination, 0);
        }

        BinaryPrimitives.WriteInt32LittleEndian(destination, Count(destination) + 1);
        return length + WritePair(destination[length..], field, value);
    }

    /// <summary>True when the pairs of <paramref name="blob"/> may stay in the packed encoding.</summary>
    public static bool FitsPacked(ReadOnlySpan<byte> blob)
    {
        if (Count(blob) > MaxPairs)
        {
            return false;
        }

        for (var position = Start; position < blob.Length;)
        {
            position = ReadAt(blob, position, out var field, out var value);
            if (field.Length > MaxItemLength || value.Length > MaxItemLength)
            {
                return false;
            }
        }

        return true;
    }

    private static int WritePair(Span<byte> destination, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        var at = RecordLayout.WriteVarint(destination, (uint)field.Length);
        field.CopyTo(destination[at..]);
        at += field.Length;
        at += RecordLayout.WriteVarint(destination[at..], (uint)value.Length);
        value.CopyTo(destination[at..]);
        return at + value.Length;
    }
}
