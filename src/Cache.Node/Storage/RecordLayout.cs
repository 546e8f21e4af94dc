using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// The layout of one key's record in a chunk: varint key length, varint value length, key
/// bytes, value bytes. Key and value share one chunk so an entry costs one allocation and the
/// index stores one handle. Varints keep the header at 2 bytes for short keys and values.
/// </summary>
internal static class RecordLayout
{
    /// <summary>Bytes a record of a key and a value of these lengths needs.</summary>
    public static int SizeOf(int keyLength, int valueLength) =>
        VarintSize((uint)keyLength) + VarintSize((uint)valueLength) + keyLength + valueLength;

    /// <summary>Writes the header and key into <paramref name="chunk"/>; returns the value's span (uninitialised).</summary>
    public static Span<byte> Write(Span<byte> chunk, ReadOnlySpan<byte> key, int valueLength)
    {
        var at = WriteVarint(chunk, (uint)key.Length);
        at += WriteVarint(chunk[at..], (uint)valueLength);
        key.CopyTo(chunk[at..]);
        return chunk.Slice(at + key.Length, valueLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<byte> Key(ReadOnlySpan<byte> chunk)
    {
        var at = ReadVarint(chunk, 0, out var keyLength);
        at = ReadVarint(chunk, at, out _);
        return chunk.Slice(at, (int)keyLength);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Span<byte> Value(Span<byte> chunk)
    {
        var at = ReadVarint(chunk, 0, out var keyLength);
        at = ReadVarint(chunk, at, out var valueLength);
        return chunk.Slice(at + (int)keyLength, (int)valueLength);
    }

    public static int VarintSize(uint value) => value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x20_0000 ? 3 : value < 0x1000_0000 ? 4 : 5;

    public static int WriteVarint(Span<byte> destination, uint value)
    {
        var n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }

    /// <summary>Reads a varint at <paramref name="at"/>; returns the offset after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadVarint(ReadOnlySpan<byte> source, int at, out uint value)
    {
        var b = source[at++];
        if (b < 0x80)
        {
            value = b;
            return at;
        }

        var result = (uint)(b & 0x7F);
        var shift = 7;
        do
        {
            b = source[at++];
            result |= (uint)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);

        value = result;
        return at;
    }
}
