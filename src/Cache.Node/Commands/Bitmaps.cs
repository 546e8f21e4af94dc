using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Cache.Node.Commands;

/// <summary>
/// Bit arithmetic over a string's bytes, numbered as Redis numbers them: bit 0 is the most
/// significant bit of the first byte. Integers of BITFIELD are read and written big-endian in
/// that numbering, at any bit offset.
/// </summary>
internal static class Bitmaps
{
    /// <summary>How many bits are set in <paramref name="bytes"/>.</summary>
    public static long PopCount(ReadOnlySpan<byte> bytes)
    {
        long count = 0;
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (var word in words)
        {
            count += BitOperations.PopCount(word);
        }

        foreach (var b in bytes[(words.Length * sizeof(ulong))..])
        {
            count += BitOperations.PopCount(b);
        }

        return count;
    }

    /// <summary>
    /// The position of the first bit equal to <paramref name="bit"/>: for a set bit, -1 when
    /// there is none; for a clear bit, the length in bits when there is none (the string is seen
    /// as padded with zeroes on the right), as Redis' redisBitpos.
    /// </summary>
    public static long FirstBit(ReadOnlySpan<byte> bytes, bool bit)
    {
        var skip = bit ? (byte)0x00 : (byte)0xFF;
        var i = 0;
        // Whole words of nothing to find first.
        while (i + sizeof(ulong) <= bytes.Length && BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]) == (bit ? 0UL : ulong.MaxValue))
        {
            i += sizeof(ulong);
        }

        while (i < bytes.Length && bytes[i] == skip)
        {
            i++;
        }

        if (i == bytes.Length)
        {
            return bit ? -1 : (long)bytes.Length * 8;
        }

        var value = bit ? bytes[i] : (byte)~bytes[i];
        return ((long)i * 8) + BitOperations.LeadingZeroCount((uint)value) - 24;
    }

    /// <summary>The bit at <paramref name="offset"/> (0 past the end).</summary>
    public static bool Get(ReadOnlySpan<byte> bytes, long offset)
    {
        var index = offset >> 3;
        return index < bytes.Length && (bytes[(int)index] & (0x80 >> (int)(offset & 7))) != 0;
    }

    /// <summary>Reads a <paramref name="bits"/>-wide unsigned integer at bit <paramref name="offset"/> (bits past the end read 0).</summary>
    public static ulong GetUnsigned(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        ulong value = 0;
        for (var j = 0; j < bits; j++)
        {
            value = (value << 1) | (Get(bytes, offset + j) ? 1UL : 0UL);
        }

        return value;
    }

    /// <summary>Reads a <paramref name="bits"/>-wide two's complement integer at bit <paramref name="offset"/>.</summary>
    public static long GetSigned(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        var value = GetUnsigned(bytes, offset, bits);
        if (bits < 64 && (value & (1UL << (bits - 1))) != 0)
        {
            value |= ulong.MaxValue << bits;
        }

        return (long)value;
    }

    /// <summary>Writes the low <paramref name="bits"/> bits of <paramref name="value"/> at bit <paramref name="offset"/>; the span must reach that far.</summary>
    public static void SetUnsigned(Span<byte> bytes, long offset, int bits, ulong value)
    {
        for (var j = 0; j < bits; j++)
        {
            var on = (value & (1UL << (bits - 1 - j))) != 0;
            var position = offset + j;
            var mask = (byte)(0x80 >> (int)(position & 7));
            ref var b = ref bytes[(int)(position >> 3)];
            b = on ? (byte)(b | mask) : (byte)(b & ~mask);
        }
    }
}
