namespace Cache.Node.Storage;

/// <summary>
/// Walks a hash's fields in storage order, over either encoding: a packed blob (positions are
/// byte offsets) or a large table (positions are entry indices). Valid until the next write.
/// </summary>
internal ref struct HashFieldEnumerator
{
    private readonly ReadOnlySpan<byte> _blob;
    private readonly ByteKeyTable<byte[]>? _table;
    private int _next;

    internal HashFieldEnumerator(ReadOnlySpan<byte> blob, ByteKeyTable<byte[]>? table, int position)
    {
        _blob = blob;
        _table = table;
        _next = table is null ? Math.Max(position, HashBlob.Start) : position;
    }

    public ReadOnlySpan<byte> Field { get; private set; }

    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>The position of the current field.</summary>
    public int Position { get; private set; }

    /// <summary>Where the walk continues: a cursor for the next step.</summary>
    public readonly int NextPosition => _next;

    public bool MoveNext()
    {
        if (_table is null)
        {
            if (_next >= _blob.Length)
            {
                return false;
            }

            Position = _next;
            _next = HashBlob.ReadAt(_blob, _next, out var field, out var value);
            Field = field;
            Value = value;
            return true;
        }

        for (; _next < _table.EntryLimit; _next++)
        {
            if (_table.IsOccupied(_next))
            {
                Position = _next++;
                Field = _table.KeyAt(Position);
                Value = _table.ValueAt(Position);
                return true;
            }
        }

        return false;
    }
}
