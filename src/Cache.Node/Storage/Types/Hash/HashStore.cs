using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// The hash module's store: a hash value's operations on its entry. Up to hash-max-listpack-entries pairs of at most
/// hash-max-listpack-value bytes (<see cref="EncodingLimits"/>), a hash is one <see cref="HashBlob"/> in its key's
/// record (no object at all). Past that it becomes a <see cref="ByteKeyTable{TValue}"/> of
/// <c>byte[]</c> held in the object table: one object per field, accepted because such hashes
/// are few and large (Redis makes the same switch from listpack to hashtable). Positions are
/// byte offsets in a blob and entry indices in a table.
/// </summary>
internal sealed class HashStore : IValueStore
{
    // Estimated bytes per field of a large hash beyond its field and value: two array headers,
    // a table entry and a bucket.
    private const int LargeHashFieldOverhead = 76;

    private readonly KeySpace _keys;
    private readonly EntryTable _table;

    // Large hashes are the only per-key objects: their records hold an index into this table.
    // Small hashes and all strings stay in the slab.
    private readonly IndexedObjects<ByteKeyTable<byte[]>> _objects = new();
    private byte[] _scratch = new byte[256];
    private long _objectBytes;

    public HashStore(KeySpace keys, EntryTable table)
    {
        _keys = keys;
        _table = table;
    }

    /// <summary>Estimated bytes of the large hashes and their object table (part of used_memory).</summary>
    public long UsedBytes => _objectBytes + ((long)_objects.Capacity * 12);

    /// <summary>Estimated bytes of the large hashes (part of the committed footprint).</summary>
    public long ObjectBytes => _objectBytes;

    /// <summary>True when the hash is one packed blob (HSCAN then answers in one step, as Redis does for listpacks).</summary>
    public static bool IsPacked(in StoreEntry entry) => (entry.Flags & EntryFlags.External) == 0;

    public int Length(in StoreEntry entry) =>
        IsPacked(entry) ? HashBlob.Count(_table.ValueOf(entry)) : LargeHash(entry).Count;

    /// <summary>Finds a field; the value span is valid until the next write.</summary>
    public bool TryGet(in StoreEntry entry, ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (IsPacked(entry))
        {
            return HashBlob.Find(_table.ValueOf(entry), field, out _, out value) >= 0;
        }

        ref var stored = ref LargeHash(entry).Find(field);
        value = Unsafe.IsNullRef(ref stored) ? default : stored;
        return !Unsafe.IsNullRef(ref stored);
    }

    /// <summary>
    /// Sets a field of a hash entry (an entry just added by <see cref="KeySpace.GetOrAdd"/> becomes a hash).
    /// Returns true when the field is new. The caller calls <see cref="KeySpace.Touch"/>.
    /// </summary>
    public bool Set(ref StoreEntry entry, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        if (entry.Kind != ValueKind.Hash)
        {
            _keys.SetValue(ref entry, [], ValueKind.Hash);
        }

        _keys.Stamp(ref entry);
        if (!IsPacked(entry))
        {
            return LargeSet(LargeHash(entry), field, value);
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        var start = HashBlob.Find(blob, field, out var end, out _);
        var isNew = start < 0;
        var limits = _keys.Limits;
        if ((isNew && HashBlob.Count(blob) >= limits.HashMaxListpackEntries) || field.Length > limits.HashMaxListpackValue || value.Length > limits.HashMaxListpackValue)
        {
            var table = ToLargeHash(blob);
            ReplaceWithLarge(ref entry, table);
            return LargeSet(table, field, value);
        }

        var length = Math.Max(blob.Length, HashBlob.Start) + HashBlob.PairSize(field.Length, value.Length) - (isNew ? 0 : end - start);
        var scratch = Scratch(length);
        var written = HashBlob.WriteWith(blob, start, end, field, value, scratch);
        scratch[..written].CopyTo(_table.ResizeValue(ref entry, written));
        return isNew;
    }

    /// <summary>Removes a field; true when it existed. A hash left empty must be deleted by the caller.</summary>
    public bool Delete(ref StoreEntry entry, ReadOnlySpan<byte> field)
    {
        if (!IsPacked(entry))
        {
            var table = LargeHash(entry);
            ref var stored = ref table.Find(field);
            if (Unsafe.IsNullRef(ref stored))
            {
                return false;
            }

            _objectBytes -= LargeHashFieldOverhead + field.Length + stored.Length;
            table.Remove(field);
            _keys.Stamp(ref entry);
            return true;
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        var start = HashBlob.Find(blob, field, out var end, out _);
        if (start < 0)
        {
            return false;
        }

        var scratch = Scratch(blob.Length);
        var written = HashBlob.WriteWithout(blob, start, end, scratch);
        scratch[..written].CopyTo(_table.ResizeValue(ref entry, written));
        _keys.Stamp(ref entry);
        return true;
    }

    /// <summary>Walks the fields from <paramref name="position"/> (0: the start) in storage order.</summary>
    public HashFieldEnumerator Fields(in StoreEntry entry, int position = 0) =>
        IsPacked(entry)
            ? new HashFieldEnumerator(_table.ValueOf(entry), null, position)
            : new HashFieldEnumerator(default, LargeHash(entry), position);

    /// <summary>Reads the field at a position an enumerator reported.</summary>
    public void ReadAt(in StoreEntry entry, int position, out ReadOnlySpan<byte> field, out ReadOnlySpan<byte> value)
    {
        if (IsPacked(entry))
        {
            HashBlob.ReadAt(_table.ValueOf(entry), position, out field, out value);
            return;
        }

        var table = LargeHash(entry);
        field = table.KeyAt(position);
        value = table.ValueAt(position);
    }

    /// <summary>For a large hash: the end of its table's positions and whether one holds a field (random probing).</summary>
    public int EntryLimit(in StoreEntry entry) => IsPacked(entry) ? 0 : LargeHash(entry).EntryLimit;

    public bool IsOccupied(in StoreEntry entry, int position) => !IsPacked(entry) && LargeHash(entry).IsOccupied(position);

    /// <summary>The hash as one blob, whatever its encoding (replication's wire form).</summary>
    public byte[] ToBlob(in StoreEntry entry)
    {
        if (IsPacked(entry))
        {
            return _table.ValueOf(entry).ToArray();
        }

        var table = LargeHash(entry);
        var size = HashBlob.Start;
        for (var i = 0; i < table.EntryLimit; i++)
        {
            if (table.IsOccupied(i))
            {
                size += HashBlob.PairSize(table.KeyAt(i).Length, table.ValueAt(i).Length);
            }
        }

        var blob = new byte[size];
        var length = 0;
        for (var i = 0; i < table.EntryLimit; i++)
        {
            if (table.IsOccupied(i))
            {
                length = HashBlob.Append(blob, length, table.KeyAt(i), table.ValueAt(i));
            }
        }

        return blob;
    }

    /// <summary>Stores a hash given as a blob (replication), choosing the encoding by size.</summary>
    public void FromBlob(ref StoreEntry entry, ReadOnlySpan<byte> blob)
    {
        if (HashBlob.FitsPacked(blob))
        {
            _keys.SetValue(ref entry, blob, ValueKind.Hash);
            return;
        }

        _keys.SetValue(ref entry, [], ValueKind.Hash);
        ReplaceWithLarge(ref entry, ToLargeHash(blob));
    }

    public long ExternalBytesOf(in StoreEntry entry) => LargeHashBytes(LargeHash(entry));

    public string EncodingOf(in StoreEntry entry) => IsPacked(entry) ? "listpack" : "hashtable";

    /// <summary>Drops a large hash's table (its entry is being overwritten or freed).</summary>
    public void Release(ref StoreEntry entry)
    {
        _objectBytes -= LargeHashBytes(_objects.Remove(ObjectIndex(entry)));
        entry.Flags &= ~EntryFlags.External;
    }

    /// <summary>Forgets every large hash (the key space is being cleared).</summary>
    public void Clear()
    {
        _objects.Clear();
        _objectBytes = 0;
    }

    private int ObjectIndex(in StoreEntry entry) => BitConverter.ToInt32(_table.ValueOf(entry));

    private ByteKeyTable<byte[]> LargeHash(in StoreEntry entry) => _objects[ObjectIndex(entry)];

    private bool LargeSet(ByteKeyTable<byte[]> table, ReadOnlySpan<byte> field, ReadOnlySpan<byte> value)
    {
        ref var stored = ref table.GetOrAdd(field, out var added);
        _objectBytes += added ? LargeHashFieldOverhead + field.Length + value.Length : value.Length - stored.Length;
        stored = value.ToArray();
        return added;
    }

    private ByteKeyTable<byte[]> ToLargeHash(ReadOnlySpan<byte> blob)
    {
        var table = new ByteKeyTable<byte[]>(HashBlob.MaxPairs * 2);
        for (var position = HashBlob.Start; position < blob.Length;)
        {
            position = HashBlob.ReadAt(blob, position, out var field, out var value);
            LargeSet(table, field, value);
        }

        return table;
    }

    private void ReplaceWithLarge(ref StoreEntry entry, ByteKeyTable<byte[]> table)
    {
        var index = _objects.Add(table);
        BitConverter.TryWriteBytes(_table.ResizeValue(ref entry, sizeof(int)), index);
        entry.Flags |= EntryFlags.External;
    }

    private static long LargeHashBytes(ByteKeyTable<byte[]> table)
    {
        long bytes = 0;
        for (var i = 0; i < table.EntryLimit; i++)
        {
            if (table.IsOccupied(i))
            {
                bytes += LargeHashFieldOverhead + table.KeyAt(i).Length + table.ValueAt(i).Length;
            }
        }

        return bytes;
    }

    private Span<byte> Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        return _scratch;
    }
}
