using System.Buffers.Binary;
using System.Text;

namespace Cache.Gossip.Wire;

/// <summary>Growable little-endian writer with LEB128 varints; reused via <see cref="Reset"/>.</summary>
internal sealed class WireWriter
{
    private byte[] _buffer;
    private int _length;

    public WireWriter(int capacity = 256) => _buffer = new byte[capacity];

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteVarUInt(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Length-prefixed (varint) bytes.</summary>
    public void WriteBlob(ReadOnlySpan<byte> bytes)
    {
        WriteVarUInt((ulong)bytes.Length);
        WriteBytes(bytes);
    }

    /// <summary>Short string: one length byte, at most 255 UTF-8 bytes.</summary>
    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        if (count > 255)
        {
            throw new ArgumentException("Wire strings are at most 255 UTF-8 bytes.", nameof(value));
        }

        Ensure(count + 1);
        _buffer[_length++] = (byte)count;
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>Reserves room for a message header and returns its start; see <see cref="EndMessage"/>.</summary>
    public int BeginMessage(MessageType type)
    {
        WriteByte((byte)type);
        var start = _length;
        Ensure(3);
        _length += 3; // fixed 3-byte varint length, patched later (messages are < 2 MiB)
        return start;
    }

    public void EndMessage(int start)
    {
        var len = _length - start - 3;
        if (len >= 1 << 21)
        {
            throw new InvalidOperationException("Message too large.");
        }

        _buffer[start] = (byte)(len | 0x80);
        _buffer[start + 1] = (byte)((len >> 7) | 0x80);
        _buffer[start + 2] = (byte)(len >> 14);
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length)
        {
            return;
        }

        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
    }
}
