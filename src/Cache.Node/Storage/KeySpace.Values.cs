namespace Cache.Node.Storage;

/// <summary>Reading and writing values in the slab, and the few objects large hashes need.</summary>
internal sealed partial class KeySpace
{
    // Large hashes (see KeySpace.Hashes.cs) are the only per-key objects: their records hold an
    // index into this table. Small hashes and all strings stay in the slab.
    private readonly IndexedObjects<ByteKeyTable<byte[]>> _objects = new();

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

        _objectBytes -= LargeHashBytes(_objects.Remove(ObjectIndex(entry)));
        entry.Flags &= ~EntryFlags.LargeHash;
    }

    private int AddObject(ByteKeyTable<byte[]> table) => _objects.Add(table);

    private int ObjectIndex(in StoreEntry entry) => BitConverter.ToInt32(_table.ValueOf(entry));

    private void ClearObjects()
    {
        _objects.Clear();
        _objectBytes = 0;
    }
}
