using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// A hash value as commands see it: the key space plus a reference to the key's entry, with the
/// operations of either encoding (see <see cref="HashStore"/>). A default handle stands for
/// a missing key. Valid until the next key is added (table growth moves entries).
/// </summary>
internal readonly ref struct HashHandle
{
    private readonly KeySpace? _keys;
    private readonly ref StoreEntry _entry;

    public HashHandle(KeySpace keys, ref StoreEntry entry)
    {
        _keys = keys;
        _entry = ref entry;
    }

    public bool IsMissing => _keys is null || Unsafe.IsNullRef(ref _entry);

    public int Count => IsMissing ? 0 : _keys!.HashLength(_entry);

    public bool IsPacked => KeySpace.HashIsPacked(_entry);

    /// <summary>Finds a field; the value is valid until the next write.</summary>
    public bool TryGet(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (IsMissing)
        {
            value = default;
            return false;
        }

        return _keys!.HashTryGet(_entry, field, out value);
    }

    /// <summary>Sets a field; true when it is new. The caller touches the key.</summary>
    public bool Set(ReadOnlySpan<byte> field, ReadOnlySpan<byte> value) => _keys!.HashSet(ref _entry, field, value);

    /// <summary>Removes a field; true when it existed.</summary>
    public bool Remove(ReadOnlySpan<byte> field) => _keys!.HashDelete(ref _entry, field);

    public HashFieldEnumerator Fields(int position = 0) => _keys!.HashFields(_entry, position);

    public void ReadAt(int position, out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value) =>
        _keys!.HashReadAt(_entry, position, out field, out value);

    /// <summary>Large hashes only: the end of the table's positions, for random probes (0 for a packed hash).</summary>
    public int EntryLimit => _keys!.HashEntryLimit(_entry);

    public bool IsOccupied(int position) => _keys!.HashIsOccupied(_entry, position);
}
