using System.Buffers.Binary;
using System.Text;

namespace Cache.Gossip.Wire;

/// <summary>Bounds-checked reader: every method returns false on malformed input, never throws.</summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Remaining => _data.Length - _pos;

    public readonly bool End => _pos >= _data.Length;

    public bool TryReadByte(out byte value)
    {
        if (_pos >= _data.Length)
        {
            value = 0;
            return false;
        }

        value = _data[_pos++];
        return true;
    }

    public bool TryReadVarUInt(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_pos >= _data.Length)
            {
                return false;
            }

            var b = _data[_pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    public bool TryReadVarUInt32(out uint value)
    {
        if (TryReadVarUInt(out var v) && v <= uint.MaxValue)
        {
            value = (uint)v;
            return true;
        }

        value = 0;
        return false;
    }

    public bool TryReadUInt32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_pos));
        _pos += 4;
        return true;
    }

    public bool TryReadSpan(int length, out ReadOnlySpan<byte> value)
    {
        if (length < 0 || length > Remaining)
        {
            value = default;
            return false;
        }

        value = _data.Slice(_pos, length);
        _pos += length;
        return true;
    }

    public bool TryReadBlob(int maxLength, out ReadOnlySpan<byte> value)
    {
        value = default;
        return TryReadVarUInt(out var len) && len <= (ulong)maxLength && TryReadSpan((int)len, out value);
    }

    public bool TryReadString(out string value)
    {
        value = "";
        if (!TryReadByte(out var len) || !TryReadSpan(len, out var bytes))
        {
            return false;
        }

        try
        {
            value = StrictUtf8.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
}
