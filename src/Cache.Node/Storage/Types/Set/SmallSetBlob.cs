using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// A small set of any members packed in its key's record: a tag byte, a 4-byte member count,
/// then per member a varint length and its bytes, in insertion order. Up to
/// set-max-listpack-entries members of at most 64 bytes live this way (Redis 7.0 would hold them
/// in a hashtable, so OBJECT ENCODING says "hashtable"). It is also the sets' wire form
/// (<see cref="SetCodec"/>), whatever the count. Positions are byte offsets of members.
/// </summary>
internal static class SmallSetBlob
{
    public const byte Tag = 2;

    /// <summary>Offset of the first member.</summary>
    public const int Start = 1 + sizeof(int);

    /// <summary>Above this many bytes a member sends the set to the large encoding (as hash-max-listpack-value).</summary>
    public const int MaxMemberLength = 64;

    public static bool Is(ReadOnlySpan<byte> blob) => blob.Length > 0 && blob[0] == Tag;

    public static int Count(ReadOnlySpan<byte> blob) => blob.Length < Start ? 0 : BinaryPrimitives.ReadInt32LittleEndian(blob[1..]);

    public static int MemberSize(int length) => RecordLayout.VarintSize((uint)length) + length;

    /// <summary>Reads the member at <paramref name="position"/>; returns the position after it.</summary>
    public static int ReadAt(ReadOnlySpan<byte> blob, int position, out ReadOnlySpan<byte> member)
    {
        var at = RecordLayout.ReadVarint(blob, position, out var length);
        member = blob.Slice(at, (int)length);
        return at + (int)length;
    }

    /// <summary>The position of <paramref name="member"/>, or -1; <paramref name="end"/> is where it ends.</summary>
    public static int Find(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> member, out int end)
    {
        for (var position = Start; position < blob.Length; position = end)
        {
            end = ReadAt(blob, position, out var found);
            if (found.SequenceEqual(member))
            {
                return position;
            }
        }

        end = -1;
        return -1;
    }

    /// <summary>Starts a blob of no members in <paramref name="destination"/>; returns its length.</summary>
    public static int WriteEmpty(Span<byte> destination)
    {
        destination[0] = Tag;
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], 0);
        return Start;
    }

    /// <summary>Appends <paramref name="member"/> to a blob of <paramref name="length"/> bytes being built; returns the new length.</summary>
    public static int Append(Span<byte> destination, int length, ReadOnlySpan<byte> member)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], Count(destination[..length]) + 1);
        var at = length + RecordLayout.WriteVarint(destination[length..], (uint)member.Length);
        member.CopyTo(destination[at..]);
        return at + member.Length;
    }

    /// <summary>Writes <paramref name="blob"/> without the member at [start, end); returns the length written.</summary>
    public static int WriteWithout(ReadOnlySpan<byte> blob, int start, int end, Span<byte> destination)
    {
        blob[..start].CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], Count(blob) - 1);
        blob[end..].CopyTo(destination[start..]);
        return blob.Length - (end - start);
    }
}
