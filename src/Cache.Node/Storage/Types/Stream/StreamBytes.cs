using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>The variable-length integers and length-prefixed strings a stream's blocks and groups are packed in.</summary>
internal static class StreamBytes
{
    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    public static int WriteVarint(Span<byte> destination, ulong value)
    {
        var at = 0;
        while (value >= 0x80)
        {
            destination[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[at++] = (byte)value;
        return at;
    }

    /// <summary>Reads a varint at <paramref name="at"/> and returns the position after it.</summary>
    public static int ReadVarint(ReadOnlySpan<byte> source, int at, out ulong value)
    {
        value = 0;
        var shift = 0;
        while (true)
        {
            var b = source[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return at;
            }

            shift += 7;
            if (shift > 63)
            {
                throw new InvalidDataException("A stream varint is too long.");
            }
        }
    }

    /// <summary>Size of a string written by <see cref="WriteString"/>.</summary>
    public static int StringSize(int length) => VarintSize((ulong)length) + length;

    public static int WriteString(Span<byte> destination, ReadOnlySpan<byte> value)
    {
        var at = WriteVarint(destination, (ulong)value.Length);
        value.CopyTo(destination[at..]);
        return at + value.Length;
    }

    public static int ReadString(ReadOnlySpan<byte> source, int at, out ReadOnlySpan<byte> value)
    {
        at = ReadVarint(source, at, out var length);
        if (length > (ulong)(source.Length - at))
        {
            throw new InvalidDataException("A stream string runs past its block.");
        }

        value = source.Slice(at, (int)length);
        return at + (int)length;
    }

    public static int WriteInt64(Span<byte> destination, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, value);
        return sizeof(long);
    }

    public static int ReadInt64(ReadOnlySpan<byte> source, int at, out long value)
    {
        value = BinaryPrimitives.ReadInt64LittleEndian(source[at..]);
        return at + sizeof(long);
    }
}
