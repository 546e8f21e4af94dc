using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>Fixed-width little-endian writes into a buffer sized beforehand (a stream's wire form).</summary>
internal ref struct SpanWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;
    private int _at;

    public readonly int Written => _at;

    public void UInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer[_at..], value);
        _at += 8;
    }

    public void Int32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[_at..], value);
        _at += 4;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_at..]);
        _at += value.Length;
    }
}
