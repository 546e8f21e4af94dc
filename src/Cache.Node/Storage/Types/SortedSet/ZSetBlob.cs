using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// A small sorted set packed into one value, like Redis' listpack: a 4-byte member count then,
/// per member in (score, member) order, the 8-byte score, varint member length and the member.
/// Positions are byte offsets of entry starts. Replication ships every sorted set this way.
/// </summary>
internal static class ZSetBlob
{
    /// <summary>Offset of the first entry.</summary>
    public const int Start = sizeof(int);

    public static int Count(ReadOnlySpan<byte> blob) => blob.Length < Start ? 0 : BinaryPrimitives.ReadInt32LittleEndian(blob);

    public static int EntrySize(int memberLength) => sizeof(double) + RecordLayout.VarintSize((uint)memberLength) + memberLength;

    /// <summary>Reads the entry at <paramref name="position"/>; returns the position after it.</summary>
    public static int ReadAt(ReadOnlySpan<byte> blob, int position, out ReadOnlySpan<byte> member, out double score)
    {
        score = BinaryPrimitives.ReadDoubleLittleEndian(blob[position..]);
        var at = RecordLayout.ReadVarint(blob, position + sizeof(double), out var length);
        member = blob.Slice(at, (int)length);
        return at + (int)length;
    }

    /// <summary>The position of the entry of rank <paramref name="rank"/> (a walk from the start).</summary>
    public static int PositionOf(ReadOnlySpan<byte> blob, int rank)
    {
        var position = Start;
        for (var i = 0; i < rank; i++)
        {
            position = ReadAt(blob, position, out _, out _);
        }

        return position;
    }

    /// <summary>The position and rank of <paramref name="member"/>, or -1; <paramref name="end"/> is where its entry ends.</summary>
    public static int Find(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> member, out int end, out double score, out int rank)
    {
        rank = 0;
        for (var position = Start; position < blob.Length; position = end, rank++)
        {
            end = ReadAt(blob, position, out var name, out score);
            if (name.SequenceEqual(member))
            {
                return position;
            }
        }

        end = -1;
        score = 0;
        rank = -1;
        return -1;
    }

    /// <summary>The position where (score, member) sorts (the first entry after it).</summary>
    public static int InsertPosition(ReadOnlySpan<byte> blob, double score, ReadOnlySpan<byte> member)
    {
        var position = Start;
        while (position < blob.Length)
        {
            var next = ReadAt(blob, position, out var name, out var current);
            if (SortedSetOrder.Compare(current, name, score, member) > 0)
            {
                break;
            }

            position = next;
        }

        return position;
    }

    /// <summary>Writes the entry (member, score) at <paramref name="destination"/>; returns its size.</summary>
    public static int WriteEntry(Span<byte> destination, ReadOnlySpan<byte> member, double score)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(destination, score);
        var at = sizeof(double) + RecordLayout.WriteVarint(destination[sizeof(double)..], (uint)member.Length);
        member.CopyTo(destination[at..]);
        return at + member.Length;
    }

    public static void SetCount(Span<byte> blob, int count) => BinaryPrimitives.WriteInt32LittleEndian(blob, count);
}
