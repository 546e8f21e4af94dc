using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>Writes RDB's primitives (lengths, strings, binary doubles) into a growing buffer, uncompressed.</summary>
internal sealed class RdbWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>The buffer and how much of it is written, for a caller that keeps the bytes (an RDB file).</summary>
    public ArraySegment<byte> WrittenSegment => new(_buffer, 0, _length);

    /// <summary>Starts over, keeping the buffer.</summary>
    public void Clear() => _length = 0;

    public void Byte(byte value) => Reserve(1)[0] = value;

    /// <summary>RDB's length: 6 bits, 14 bits, or a marker and a 32- or 64-bit big-endian number.</summary>
    public void Length(ulong length)
    {
        if (length < 1 << 6)
        {
            Byte((byte)length);
        }
        else if (length < 1 << 14)
        {
            var span = Reserve(2);
            span[0] = (byte)(0x40 | (length >> 8));
            span[1] = (byte)length;
        }
        else if (length <= uint.MaxValue)
        {
            var span = Reserve(5);
            span[0] = 0x80;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
        }
        else
        {
            var span = Reserve(9);
            span[0] = 0x81;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], length);
        }
    }

    public void String(ReadOnlySpan<byte> value)
    {
        Length((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>A score as RDB_TYPE_ZSET_2 stores it: the IEEE double, little-endian.</summary>
    public void BinaryDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    public void Raw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
