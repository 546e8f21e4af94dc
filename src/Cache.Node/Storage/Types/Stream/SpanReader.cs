using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>Reads what <see cref="SpanWriter"/> wrote; a read past the end throws <see cref="InvalidDataException"/>.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _at;

    public readonly bool AtEnd => _at == _buffer.Length;

    public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public int Int32()
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
        return value >= 0 ? value : throw new InvalidDataException("A negative count in a stream's wire form.");
    }

    public ReadOnlySpan<byte> Bytes(int length) => Take(length);

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _buffer.Length - _at)
        {
            throw new InvalidDataException("A stream's wire form ends early.");
        }

        var span = _buffer.Slice(_at, length);
        _at += length;
        return span;
    }
}
