using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// A set of integers packed in its key's record, like Redis' intset: a tag byte then the members
/// as little-endian int64s in ascending order, found by binary search. A set stays this way while
/// every member is an integer (<see cref="SetInteger"/>) and it has at most set-max-intset-entries.
/// Positions are member indices.
/// </summary>
internal static class IntSetBlob
{
    /// <summary>The first byte of an intset record (<see cref="SmallSetBlob.Tag"/> names the other packed form).</summary>
    public const byte Tag = 1;

    public const int Start = 1;

    public static bool Is(ReadOnlySpan<byte> blob) => blob.Length == 0 || blob[0] == Tag;

    public static int Count(ReadOnlySpan<byte> blob) => blob.Length <= Start ? 0 : (blob.Length - Start) / sizeof(long);

    public static int SizeOf(int count) => Start + (count * sizeof(long));

    public static long At(ReadOnlySpan<byte> blob, int index) => BinaryPrimitives.ReadInt64LittleEndian(blob[(Start + (index * sizeof(long)))..]);

    /// <summary>The index of <paramref name="value"/>, or the bitwise complement of where it would go.</summary>
    public static int Find(ReadOnlySpan<byte> blob, long value)
    {
        var low = 0;
        var high = Count(blob) - 1;
        while (low <= high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            var found = At(blob, middle);
            if (found == value)
            {
                return middle;
            }

            if (found < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    /// <summary>Writes <paramref name="blob"/> with <paramref name="value"/> inserted at <paramref name="index"/>; returns the length.</summary>
    public static int WriteWith(ReadOnlySpan<byte> blob, int index, long value, Span<byte> destination)
    {
        var count = Count(blob);
        var at = Start + (index * sizeof(long));
        destination[0] = Tag;
        if (count > 0)
        {
            blob[Start..at].CopyTo(destination[Start..]);
            blob[at..].CopyTo(destination[(at + sizeof(long))..]);
        }

        BinaryPrimitives.WriteInt64LittleEndian(destination[at..], value);
        return SizeOf(count + 1);
    }

    /// <summary>Writes <paramref name="blob"/> without the member at <paramref name="index"/>; returns the length.</summary>
    public static int WriteWithout(ReadOnlySpan<byte> blob, int index, Span<byte> destination)
    {
        var at = Start + (index * sizeof(long));
        blob[..at].CopyTo(destination);
        blob[(at + sizeof(long))..].CopyTo(destination[at..]);
        return blob.Length - sizeof(long);
    }
}
