namespace Cache.Node.Storage;

/// <summary>Reading and writing values in the slab, and the few objects large hashes need.</summary>
internal sealed partial class KeySpace
{
    // Large hashes (see KeySpace.Hashes.cs) are the only per-key objects: their records hold an
    // index into this table. Small hashes and all strings stay in the slab.
    private ByteKeyTable<byte[]>?[] _objects = new ByteKeyTable<byte[]>?[4];
    private int _objectsUsed;
    private int _objectsFree = -1;
    private int[] _objectsNext = new int[4];

    /// <summary>
    /// The value bytes of a live entry: a string's bytes. The span stays valid until the next
    /// write to the key space (the record may move or be reused): copy it to keep it longer.
    /// </summary>
    public ReadOnlySpan<byte> ValueOf(in StoreEntry entry) => _table.ValueOf(entry);

    /// <summary>Replaces the value of a live entry (a fresh or existing key) with <paramref name="value"/>.</summary>
    public void SetValue(ref StoreEntry entry, ReadOnlySpan<byte> value, ValueKind kind = ValueKind.String)
    {
        ReleaseValue(ref entry);
        value.CopyTo(_table.ResizeValue(ref entry, value.Length));
        entry.Kind = kind;
        Stamp(ref entry);
    }

    /// <summary>
    /// Gives a string entry a value of <paramref name="length"/> bytes keeping its first
    /// <paramref name="keep"/> bytes, and returns it for the caller to fill (APPEND, SETRANGE).
    /// </summary>
    public Span<byte> ResizeValue(ref StoreEntry entry, int length, int keep)
    {
        ReleaseValue(ref entry);
        var value = _table.ResizeValue(ref entry, length, keep);
        entry.Kind = ValueKind.String;
        Stamp(ref entry);
        return value;
    }

    /// <summary>Drops what a value holds outside its record (a large hash's table).</summary>
    private void ReleaseValue(ref StoreEntry entry)
    {
        if ((entry.Flags & EntryFlags.LargeHash) == 0)
        {
            return;
        }

        var index = ObjectIndex(entry);
        _objectBytes -= LargeHashBytes(_objects[index]!);
        _objects[index] = null;
        _objectsNext[index] = _objectsFree;
        _objectsFree = index;
        entry.Flags &= ~EntryFlags.LargeHash;
    }

    private int AddObject(ByteKeyTable<byte[]> table)
    {
        int index;
        if (_objectsFree >= 0)
        {
            index = _objectsFree;
            _objectsFree = _objectsNext[index];
        }
        else
        {
            if (_objectsUsed == _objects.Length)
            {
                Array.Resize(ref _objects, _objects.Length * 2);
                Array.Resize(ref _objectsNext, _objectsNext.Length * 2);
            }

            index = _objectsUsed++;
        }

        _objects[index] = table;
        return index;
    }

    private int ObjectIndex(in StoreEntry entry) => BitConverter.ToInt32(_table.ValueOf(entry));

    private void ClearObjects()
    {
        _objects = new ByteKeyTable<byte[]>?[4];
        _objectsNext = new int[4];
        _objectsUsed = 0;
        _objectsFree = -1;
        _objectBytes = 0;
    }
}
