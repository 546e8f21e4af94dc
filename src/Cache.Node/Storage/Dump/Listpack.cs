using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Cache.Node.Storage;

/// <summary>
/// Reads Redis' listpack (the packed encoding a Redis 7 DUMP of a small hash, sorted set or list
/// holds): a 6-byte header, entries of encoding + data + back-length, and an end byte. Integers
/// come back as their decimal text, as Redis returns them. Every length is checked.
/// </summary>
internal static class Listpack
{
    private const int HeaderSize = 6;
    private const byte End = 0xFF;

    /// <summary>Appends every element in order to <paramref name="elements"/>; false when the listpack is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> listpack, List<byte[]> elements)
    {
        if (listpack.Length < HeaderSize + 1 || BinaryPrimitives.ReadUInt32LittleEndian(listpack) != listpack.Length)
        {
            return false;
        }

        var before = elements.Count;
        var at = HeaderSize;
        while (at < listpack.Length && listpack[at] != End)
        {
            var start = at;
            if (!TryEntry(listpack, ref at, out var element))
            {
                return false;
            }

            elements.Add(element);
            at += BackLengthSize(at - start);
            if (at > listpack.Length)
            {
                return false;
            }
        }

        var count = BinaryPrimitives.ReadUInt16LittleEndian(listpack[4..]);
        return at == listpack.Length - 1 && (count == ushort.MaxValue || count == elements.Count - before);
    }

    private static bool TryEntry(ReadOnlySpan<byte> lp, ref int at, out byte[] element)
    {
        element = [];
        var b = lp[at];
        if ((b & 0x80) == 0)
        {
            at++;
            return Number(b & 0x7F, out element);
        }

        if ((b & 0xC0) == 0x80)
        {
            return Text(lp, ref at, 1, b & 0x3F, out element);
        }

        if ((b & 0xE0) == 0xC0)
        {
            if (at + 2 > lp.Length)
            {
                return false;
            }

            var raw = ((b & 0x1F) << 8) | lp[at + 1];
            at += 2;
            return Number(raw >= 1 << 12 ? raw - (1 << 13) : raw, out element);
        }

        if ((b & 0xF0) == 0xE0)
        {
            return at + 2 <= lp.Length && Text(lp, ref at, 2, ((b & 0x0F) << 8) | lp[at + 1], out element);
        }

        var width = b switch { 0xF1 => 2, 0xF2 => 3, 0xF3 => 4, 0xF4 => 8, 0xF0 => 4, _ => -1 };
        if (width < 0 || at + 1 + width > lp.Length)
        {
            return false;
        }

        var data = lp.Slice(at + 1, width);
        if (b == 0xF0)
        {
            return Text(lp, ref at, 5, (long)BinaryPrimitives.ReadUInt32LittleEndian(data), out element);
        }

        at += 1 + width;
        var value = width switch
        {
            2 => (long)BinaryPrimitives.ReadInt16LittleEndian(data),
            3 => (data[0] | (data[1] << 8) | (data[2] << 16)) << 8 >> 8,
            4 => BinaryPrimitives.ReadInt32LittleEndian(data),
            _ => BinaryPrimitives.ReadInt64LittleEndian(data),
        };
        return Number(value, out element);
    }

    private static bool Text(ReadOnlySpan<byte> lp, ref int at, int header, long length, out byte[] element)
    {
        element = [];
        if (length > lp.Length - at - header)
        {
            return false;
        }

        element = lp.Slice(at + header, (int)length).ToArray();
        at += header + (int)length;
        return true;
    }

    private static bool Number(long value, out byte[] element)
    {
        element = Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    // The back-length after an entry stores the entry's size 7 bits per byte.
    private static int BackLengthSize(int entrySize) =>
        entrySize <= 127 ? 1 : entrySize < 16383 ? 2 : entrySize < 2097151 ? 3 : entrySize < 268435455 ? 4 : 5;
}
