namespace Cache.Node.Storage;

/// <summary>Hash values, through the hash module (<see cref="HashStore"/>); commands reach them here or through <see cref="HashHandle"/>.</summary>
internal sealed partial class KeySpace
{
    private readonly HashStore _hashes;

    /// <summary>True when the hash is one packed blob (HSCAN then answers in one step, as Redis does for listpacks).</summary>
    public static bool HashIsPacked(in StoreEntry entry) => HashStore.IsPacked(entry);

    public int HashLength(in StoreEntry entry) => _hashes.Length(entry);

    /// <summary>Finds a field; the value span is valid until the next write.</summary>
    public bool HashTryGet(in StoreEntry entry, ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value) => _hashes.TryGet(entry, field, out value);

    /// <summary>
    /// Sets a field of a hash entry (an entry just added by <see cref="GetOrAdd"/> becomes a hash).
    /// Returns true when the field is new. The caller calls <see cref="Touch"/>.
    /// </summary>
    public bool HashSet(ref StoreEntry entry, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value) => _hashes.Set(ref entry, field, value);

    /// <summary>Removes a field; true when it existed. A hash left empty must be deleted by the caller.</summary>
    public bool HashDelete(ref StoreEntry entry, ReadOnlySpan<byte> field) => _hashes.Delete(ref entry, field);

    /// <summary>Walks the fields from <paramref name="position"/> (0: the start) in storage order.</summary>
    public HashFieldEnumerator HashFields(in StoreEntry entry, int position = 0) => _hashes.Fields(entry, position);

    /// <summary>Reads the field at a position an enumerator reported.</summary>
    public void HashReadAt(in StoreEntry entry, int position, out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value) =>
        _hashes.ReadAt(entry, position, out field, out value);

    /// <summary>For a large hash: the end of its table's positions (random probing); 0 for a packed one.</summary>
    public int HashEntryLimit(in StoreEntry entry) => _hashes.EntryLimit(entry);

    /// <summary>For a large hash: whether table position <paramref name="position"/> holds a field.</summary>
    public bool HashIsOccupied(in StoreEntry entry, int position) => _hashes.IsOccupied(entry, position);

    /// <summary>The hash as one blob, whatever its encoding (replication's wire form).</summary>
    public byte[] HashToBlob(in StoreEntry entry) => _hashes.ToBlob(entry);

    /// <summary>Stores a hash given as a blob (replication), choosing the encoding by size.</summary>
    public void HashFromBlob(ref StoreEntry entry, ReadOnlySpan<byte> blob) => _hashes.FromBlob(ref entry, blob);
}
