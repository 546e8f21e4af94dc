using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// Builds a Redis listpack (what <see cref="Listpack"/> reads): integers in the smallest integer
/// encoding, strings as strings, each entry followed by its back-length; the header's total size
/// and element count are filled in by <see cref="ToArray"/>.
/// </summary>
internal sealed class ListpackWriter
{
    private const int HeaderSize = 6;
    private byte[] _buffer = new byte[256];
    private int _length = HeaderSize;
    private int _count;

    /// <summary>Starts a new listpack, keeping the buffer.</summary>
    public void Clear()
    {
        _length = HeaderSize;
        _count = 0;
    }

    public void Integer(long value)
    {
        Span<byte> entry = stackalloc byte[9];
        int size;
        if (value is >= 0 and <= 127)
        {
            entry[0] = (byte)value;
            size = 1;
        }
        else if (value is >= -4096 and <= 4095)
        {
            var raw = value < 0 ? (1 << 13) + value : value;
            entry[0] = (byte)(0xC0 | (raw >> 8));
            entry[1] = (byte)raw;
            size = 2;
        }
        else if (value is >= short.MinValue and <= short.MaxValue)
        {
            entry[0] = 0xF1;
            BinaryPrimitives.WriteInt16LittleEndian(entry[1..], (short)value);
            size = 3;
        }
        else if (value is >= -(1 << 23) and < 1 << 23)
        {
            entry[0] = 0xF2;
            entry[1] = (byte)value;
            entry[2] = (byte)(value >> 8);
            entry[3] = (byte)(value >> 16);
            size = 4;
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            entry[0] = 0xF3;
            BinaryPrimitives.WriteInt32LittleEndian(entry[1..], (int)value);
            size = 5;
        }
        else
        {
            entry[0] = 0xF4;
            BinaryPrimitives.WriteInt64LittleEndian(entry[1..], value);
            size = 9;
        }

        Append(entry[..size], []);
    }

    public void String(ReadOnlySpan<byte> value)
    {
        Span<byte> header = stackalloc byte[5];
        int size;
        if (value.Length < 64)
        {
            header[0] = (byte)(0x80 | value.Length);
            size = 1;
        }
        else if (value.Length < 4096)
        {
            header[0] = (byte)(0xE0 | (value.Length >> 8));
            header[1] = (byte)value.Length;
            size = 2;
        }
        else
        {
            header[0] = 0xF0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[1..], (uint)value.Length);
            size = 5;
        }

        Append(header[..size], value);
    }

    /// <summary>The listpack: header (total bytes, element count or 65535 past it), entries, end byte.</summary>
    public byte[] ToArray()
    {
        var result = new byte[_length + 1];
        _buffer.AsSpan(0, _length).CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result, (uint)result.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(4), (ushort)Math.Min(_count, ushort.MaxValue));
        result[^1] = 0xFF;
        return result;
    }

    private void Append(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        var entry = header.Length + data.Length;
        Span<byte> back = stackalloc byte[5];
        var backSize = BackLength(entry, back);
        var need = _length + entry + backSize + 1;
        if (need > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, need));
        }

        header.CopyTo(_buffer.AsSpan(_length));
        data.CopyTo(_buffer.AsSpan(_length + header.Length));
        back[..backSize].CopyTo(_buffer.AsSpan(_length + entry));
        _length += entry + backSize;
        _count++;
    }

    // The entry's size 7 bits a byte, highest bits first; every byte but the first has the top bit set.
    private static int BackLength(int size, Span<byte> destination)
    {
        var bytes = size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5;
        for (var i = bytes - 1; i >= 0; i--)
        {
            destination[i] = (byte)((size & 127) | (i > 0 ? 128 : 0));
            size >>= 7;
        }

        return bytes;
    }
}
