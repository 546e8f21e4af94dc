namespace Cache.Node.Storage;

/// <summary>
/// The stream module's store. Every stream, empty or not, is one <see cref="StreamValue"/> in the
/// object table, its record holding the index (the entry carries <see cref="EntryFlags.External"/>);
/// its entries and groups lie in slab chunks. Commands find a stream's value with <see cref="Get"/>,
/// change it, and call <see cref="Written"/> once per command that changed it.
/// </summary>
internal sealed class StreamStore : IValueStore
{
    private readonly KeySpace _keys;
    private readonly EntryTable _table;
    private readonly SlabAllocator _memory;
    private readonly IndexedObjects<StreamValue> _objects = new();
    private readonly StreamDirectoryBytes _directory = new();

    public StreamStore(KeySpace keys, EntryTable table, SlabAllocator memory)
    {
        _keys = keys;
        _table = table;
        _memory = memory;
    }

    /// <summary>The streams' directories and the object table; their chunks count in the allocator's used bytes.</summary>
    public long UsedBytes => _directory.Total + ((long)_objects.Capacity * 12);

    public long ObjectBytes => _directory.Total;

    /// <summary>Streams held now.</summary>
    public int Count => _objects.Count;

    public string EncodingOf(in StoreEntry entry) => "stream";

    public long ExternalBytesOf(in StoreEntry entry)
    {
        var value = Get(entry);
        return value.DirectoryBytes + value.ChunkBytes();
    }

    /// <summary>Makes a live entry (just added, or of another kind) an empty stream and returns it.</summary>
    public StreamValue Create(ref StoreEntry entry)
    {
        _keys.SetValue(ref entry, [], ValueKind.Stream);
        var value = new StreamValue(_memory, _directory);
        var index = _objects.Add(value);
        BitConverter.TryWriteBytes(_table.ResizeValue(ref entry, sizeof(int)), index);
        entry.Flags |= EntryFlags.External;
        return value;
    }

    public StreamValue Get(in StoreEntry entry) => _objects[BitConverter.ToInt32(_table.ValueOf(entry))];

    /// <summary>Gives a stream a new version after a command changed it (once per command).</summary>
    public void Written(ref StoreEntry entry) => _keys.Stamp(ref entry);

    public void Release(ref StoreEntry entry)
    {
        _objects.Remove(BitConverter.ToInt32(_table.ValueOf(entry))).Release();
        entry.Flags &= ~EntryFlags.External;
    }

    public void Clear()
    {
        _objects.Clear();
        _directory.Total = 0;
    }

    /// <summary>Replaces a live entry's value with a stream in its wire form (COPY, replication).</summary>
    public void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire)
    {
        Create(ref entry).Import(wire);
    }
}
