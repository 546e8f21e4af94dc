using System.Buffers.Binary;
using System.Globalization;

namespace Cache.Node.Storage;

/// <summary>
/// Reads RDB's primitives from a payload, every length checked against what is left: a hostile
/// or truncated payload makes a Try method return false, never an exception or a huge allocation.
/// </summary>
internal ref struct RdbReader(ReadOnlySpan<byte> data)
{
    // Redis' own cap on a string (proto-max-bulk-len's ceiling): an LZF length claiming more is hostile.
    private const ulong MaxStringLength = 512UL * 1024 * 1024;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public readonly bool AtEnd => _at == _data.Length;

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _at;

    /// <summary>The next <paramref name="count"/> bytes as they are (an RDB file's expiry times and checksum).</summary>
    public bool TryFixed(int count, out ReadOnlySpan<byte> bytes) => Take(count, out bytes);

    public bool TryByte(out byte value)
    {
        if (_at >= _data.Length)
        {
            value = 0;
            return false;
        }

        value = _data[_at++];
        return true;
    }

    /// <summary>A plain length (a string's special encodings are refused here).</summary>
    public bool TryLength(out ulong length) => TryLengthOrEncoding(out length, out var encoded) && !encoded;

    /// <summary>A count of elements that must each take at least one byte: bounded by what is left.</summary>
    public bool TryCount(out int count)
    {
        count = 0;
        if (!TryLength(out var length) || length > (ulong)(_data.Length - _at))
        {
            return false;
        }

        count = (int)length;
        return true;
    }

    /// <summary>A string in any of RDB's encodings: plain, an 8/16/32-bit integer, or LZF-compressed.</summary>
    public bool TryString(out byte[] value)
    {
        value = [];
        if (!TryLengthOrEncoding(out var length, out var encoded))
        {
            return false;
        }

        if (!encoded)
        {
            if (length > (ulong)(_data.Length - _at))
            {
                return false;
            }

            value = _data.Slice(_at, (int)length).ToArray();
            _at += (int)length;
            return true;
        }

        long number;
        switch (length)
        {
            case 0 when Take(1, out var b):
                number = (sbyte)b[0];
                break;
            case 1 when Take(2, out var s):
                number = BinaryPrimitives.ReadInt16LittleEndian(s);
                break;
            case 2 when Take(4, out var i):
                number = BinaryPrimitives.ReadInt32LittleEndian(i);
                break;
            case 3:
                return TryLzf(out value);
            default:
                return false;
        }

        value = System.Text.Encoding.ASCII.GetBytes(number.ToString(CultureInfo.InvariantCulture));
        return true;
    }

    public bool TryBinaryDouble(out double value)
    {
        value = 0;
        if (!Take(8, out var bytes))
        {
            return false;
        }

        value = BinaryPrimitives.ReadDoubleLittleEndian(bytes);
        return true;
    }

    private bool TryLengthOrEncoding(out ulong length, out bool encoded)
    {
        length = 0;
        encoded = false;
        if (!TryByte(out var first))
        {
            return false;
        }

        switch (first >> 6)
        {
            case 0:
                length = (ulong)(first & 0x3F);
                return true;
            case 1:
                if (!TryByte(out var second))
                {
                    return false;
                }

                length = ((ulong)(first & 0x3F) << 8) | second;
                return true;
            case 3:
                encoded = true;
                length = (ulong)(first & 0x3F);
                return true;
        }

        if (first == 0x80 && Take(4, out var four))
        {
            length = BinaryPrimitives.ReadUInt32BigEndian(four);
            return true;
        }

        if (first == 0x81 && Take(8, out var eight))
        {
            length = BinaryPrimitives.ReadUInt64BigEndian(eight);
            return true;
        }

        return false;
    }

    private bool TryLzf(out byte[] value)
    {
        value = [];
        if (!TryLength(out var compressedLength) || !TryLength(out var length)
            || compressedLength > (ulong)(_data.Length - _at) || length > MaxStringLength)
        {
            return false;
        }

        var input = _data.Slice(_at, (int)compressedLength);
        _at += (int)compressedLength;
        var output = new byte[length];
        return Lzf.TryDecompress(input, output) && (value = output).Length == (int)length;
    }

    private bool Take(int count, out ReadOnlySpan<byte> bytes)
    {
        if (_data.Length - _at < count)
        {
            bytes = default;
            return false;
        }

        bytes = _data.Slice(_at, count);
        _at += count;
        return true;
    }
}
