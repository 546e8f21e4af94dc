using System.Buffers.Text;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// Reads a peer's replies ([number, [bulk, …]] pages, and entries) straight from their bytes, without a reply
/// object per element: a page of leaves or entries holds thousands of bulks. Every method returns
/// false on anything malformed, and the caller refuses the whole page.
/// </summary>
internal ref struct RawReplyReader(ReadOnlySpan<byte> frame)
{
    private readonly ReadOnlySpan<byte> _frame = frame;
    private int _at;

    public readonly bool AtEnd => _at == _frame.Length;

    /// <summary>Reads [number, [n bulks …: the page header; <paramref name="items"/> is n.</summary>
    public bool TryPageHeader(out long number, out long items)
    {
        items = 0;
        number = 0;
        return TryArrayHeader(out var parts) && parts == 2
            && TryBulk(out var digits) && Utf8Parser.TryParse(digits, out number, out var used) && used == digits.Length
            && TryArrayHeader(out items);
    }

    /// <summary>Reads an array header: how many elements follow.</summary>
    public bool TryArrayHeader(out long items) => TryHeader((byte)'*', out items);

    public bool TryBulk(out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!TryHeader((byte)'$', out var length) || length > _frame.Length - _at - 2
            || _frame[_at + (int)length] != '\r' || _frame[_at + (int)length + 1] != '\n')
        {
            return false;
        }

        bytes = _frame.Slice(_at, (int)length);
        _at += (int)length + 2;
        return true;
    }

    /// <summary>Reads one replicated entry's six bulks (<see cref="ReplicationCodec"/>).</summary>
    public bool TryEntry(out byte[] key, out ReplicatedEntry entry)
    {
        (key, entry) = ([], default);
        if (!TryBulk(out var name) || !TryNumber(out var clock) || !TryNumber(out var node) || node > ushort.MaxValue
            || !TryNumber(out var kind) || kind is < (long)ValueKind.String or > (long)ValueKind.Tombstone
            || !TryNumber(out var expiresAt) || !TryBulk(out var value))
        {
            return false;
        }

        key = name.ToArray();
        entry = new ReplicatedEntry(new EntryVersion(clock, (ushort)node), (ValueKind)kind, expiresAt, value.ToArray());
        return true;
    }

    private bool TryNumber(out long value)
    {
        value = 0;
        return TryBulk(out var digits) && Utf8Parser.TryParse(digits, out value, out var used) && used == digits.Length && value >= 0;
    }

    private bool TryHeader(byte type, out long value)
    {
        value = 0;
        if (_at >= _frame.Length || _frame[_at] != type)
        {
            return false;
        }

        var end = _frame[_at..].IndexOf("\r\n"u8);
        if (end < 0 || !Utf8Parser.TryParse(_frame.Slice(_at + 1, end - 1), out value, out var used) || used != end - 1 || value < 0)
        {
            return false;
        }

        _at += end + 2;
        return true;
    }
}
