namespace Cache.Node.Storage;

/// <summary>
/// The list module's store: a list value's operations on its entry. While its elements fit one
/// packed node (list-max-listpack-size, see <see cref="ListNodeLimit"/>) a list is one
/// <see cref="ListBlob"/> in its key's record: no object at all. Past that it becomes a
/// <see cref="ListNodes"/> (packed runs in slab chunks under a primitive-array directory) held
/// in the object table: one object per large list, never one per element. Redis 7.0 calls both
/// "quicklist" and never converts back, and neither does this store. Indices are 0-based and
/// already normalised by the caller (0 &lt;= index &lt; length).
/// </summary>
/// <remarks>
/// The two encodings share one shape: a sequence of nodes, each a packed element run, where a
/// packed list is a single node living in the record. Edits in the middle rewrite one node
/// into scratch and put it back with <see cref="ReplaceNode"/>, which splits it when it
/// outgrows the limit (or turns the packed list into nodes).
/// </remarks>
internal sealed partial class ListStore : IValueStore, ISortableValues
{
    private readonly KeySpace _keys;
    private readonly EntryTable _table;
    private readonly SlabAllocator _memory;

    // Large lists are the only list objects: their records hold an index into this table.
    private readonly IndexedObjects<ListNodes> _objects = new();
    private readonly ListDirectoryBytes _directory = new();
    private byte[] _scratch = new byte[256];
    private byte[] _element = new byte[64];
    private int[] _positions = new int[64];

    public ListStore(KeySpace keys, EntryTable table, SlabAllocator memory)
    {
        _keys = keys;
        _table = table;
        _memory = memory;
    }

    /// <summary>
    /// The large lists' directories and the object table (part of used_memory). Their nodes'
    /// chunks are slab chunks and already count in the allocator's used bytes.
    /// </summary>
    public long UsedBytes => _directory.Total + ((long)_objects.Capacity * 12);

    /// <summary>Bytes of the large lists' directory objects (part of the committed footprint).</summary>
    public long ObjectBytes => _directory.Total;

    /// <summary>Large lists held now (each one object plus three arrays for the GC).</summary>
    public int LargeCount => _objects.Count;

    /// <summary>True when the list is one packed blob in its record.</summary>
    public static bool IsPacked(in StoreEntry entry) => (entry.Flags & EntryFlags.External) == 0;

    private ListNodeLimit Limit => ListNodeLimit.From(_keys.Limits);

    public long Length(in StoreEntry entry) =>
        IsPacked(entry) ? ListBlob.Count(_table.ValueOf(entry)) : Nodes(entry).Count;

    /// <summary>What a large list holds outside its record: its directory and its nodes' chunks (MEMORY USAGE).</summary>
    public long ExternalBytesOf(in StoreEntry entry)
    {
        var nodes = Nodes(entry);
        return nodes.DirectoryBytes + nodes.ChunkBytes();
    }

    /// <summary>Redis 7.0 reports every list as a quicklist, whatever its size.</summary>
    public string EncodingOf(in StoreEntry entry) => "quicklist";

    /// <summary>Nodes of the list: 1 for a non-empty packed list.</summary>
    public int NodeCount(in StoreEntry entry) =>
        IsPacked(entry) ? (ListBlob.Count(_table.ValueOf(entry)) > 0 ? 1 : 0) : Nodes(entry).NodeCount;

    /// <summary>
    /// Adds <paramref name="element"/> at the head or tail (an entry just added by
    /// <see cref="KeySpace.GetOrAdd"/> becomes a list). <paramref name="stamp"/>: give the entry
    /// a new version (once per command is enough; a variadic push passes it for the first element).
    /// </summary>
    public void Push(ref StoreEntry entry, ReadOnlySpan<byte> element, bool head, bool stamp = true)
    {
        if (entry.Kind != ValueKind.List)
        {
            _keys.SetValue(ref entry, ListBlob.Empty, ValueKind.List);
        }
        else if (stamp)
        {
            _keys.Stamp(ref entry);
        }

        var limit = Limit;
        if (!IsPacked(entry))
        {
            Nodes(entry).Push(element, head, limit);
            return;
        }

        var blob = _table.ValueOf(entry);
        var count = ListBlob.Count(blob);
        var length = blob.Length;
        var size = ListBlob.ElementSize(element.Length);
        if (!limit.Accepts(count, length - ListBlob.Start, size))
        {
            ToNodes(ref entry).Push(element, head, limit);
            return;
        }

        var value = _table.ResizeValue(ref entry, length + size, length);
        if (head)
        {
            value[ListBlob.Start..length].CopyTo(value[(ListBlob.Start + size)..]);
            ListBlob.Write(value[ListBlob.Start..], element);
        }
        else
        {
            ListBlob.Write(value[length..], element);
        }

        ListBlob.SetCount(value, count + 1);
    }

    /// <summary>
    /// Removes the head or tail element of a non-empty list and returns it (a copy, valid until the
    /// next pop). A list left empty must be deleted by the caller.
    /// </summary>
    public ReadOnlySpan<byte> Pop(ref StoreEntry entry, bool head)
    {
        _keys.Stamp(ref entry);
        if (!IsPacked(entry))
        {
            var popped = Nodes(entry).Pop(head, ref _element);
            return _element.AsSpan(0, popped);
        }

        var blob = _table.ValueOf(entry);
        var run = blob[ListBlob.Start..];
        var start = head ? 0 : ListBlob.LastPosition(run);
        var end = ListBlob.ReadAt(run, start, out var element);
        var copy = Element(element);
        var remaining = blob.Length - (end - start);
        if (head)
        {
            run[end..].CopyTo(run);
        }

        var count = ListBlob.Count(blob);
        ListBlob.SetCount(_table.ResizeValue(ref entry, remaining, remaining), count - 1);
        return copy;
    }

    /// <summary>The element at <paramref name="index"/> (valid until the next write).</summary>
    public ReadOnlySpan<byte> Get(in StoreEntry entry, long index)
    {
        if (IsPacked(entry))
        {
            return ElementAt(ListBlob.Elements(_table.ValueOf(entry)), (int)index);
        }

        var nodes = Nodes(entry);
        var node = nodes.Locate(index, out var within);
        return ElementAt(nodes.Content(node), within);
    }

    /// <summary>Walks the elements from <paramref name="start"/> towards the tail; valid until the next write.</summary>
    public ListReader Read(in StoreEntry entry, long start = 0) => IsPacked(entry)
        ? new ListReader(ListBlob.Elements(_table.ValueOf(entry)), null, start)
        : new ListReader([], Nodes(entry), start);

    /// <summary>Walks the elements from the tail towards the head; valid until the next write.</summary>
    public ListReverseReader ReadBackwards(in StoreEntry entry) => IsPacked(entry)
        ? new ListReverseReader(ListBlob.Elements(_table.ValueOf(entry)), null)
        : new ListReverseReader([], Nodes(entry));

    /// <summary>Appends copies of the elements, head first (SORT).</summary>
    public void CopyElements(in StoreEntry entry, List<byte[]> into)
    {
        var reader = Read(entry);
        while (reader.MoveNext())
        {
            into.Add(reader.Current.ToArray());
        }
    }

    /// <summary>The list in the record form (count then elements): replication's wire form.</summary>
    public byte[] ToBlob(in StoreEntry entry)
    {
        if (IsPacked(entry))
        {
            return _table.ValueOf(entry).ToArray();
        }

        var nodes = Nodes(entry);
        var length = ListBlob.Start;
        for (var node = 0; node < nodes.NodeCount; node++)
        {
            length += nodes.LengthOf(node);
        }

        var blob = new byte[length];
        ListBlob.SetCount(blob, checked((int)nodes.Count));
        var at = ListBlob.Start;
        for (var node = 0; node < nodes.NodeCount; node++)
        {
            nodes.Content(node).CopyTo(blob.AsSpan(at));
            at += nodes.LengthOf(node);
        }

        return blob;
    }

    /// <summary>Stores a list given in the record form (replication), packed when it fits one node, else as nodes.</summary>
    public void FromBlob(ref StoreEntry entry, ReadOnlySpan<byte> blob)
    {
        var count = ListBlob.Count(blob);
        var run = ListBlob.Elements(blob);
        if (Limit.Fits(count, run.Length))
        {
            _keys.SetValue(ref entry, blob.Length < ListBlob.Start ? ListBlob.Empty : blob, ValueKind.List);
            return;
        }

        _keys.SetValue(ref entry, ListBlob.Empty, ValueKind.List);
        var nodes = Attach(ref entry);
        AppendSplit(nodes, 0, run);
    }

    /// <summary>Drops a large list's nodes and directory (its entry is being overwritten or freed).</summary>
    public void Release(ref StoreEntry entry)
    {
        _objects.Remove(ObjectIndex(entry)).Release();
        entry.Flags &= ~EntryFlags.External;
    }

    /// <summary>Forgets every large list (the key space is being cleared, slab pages included).</summary>
    public void Clear()
    {
        _objects.Clear();
        _directory.Total = 0;
    }

    /// <summary>A position buffer of at least <paramref name="length"/> ints (for walking a node backwards).</summary>
    internal int[] PositionBuffer(int length)
    {
        if (_positions.Length < length)
        {
            _positions = new int[Math.Max(length, _positions.Length * 2)];
        }

        return _positions;
    }

    private int ObjectIndex(in StoreEntry entry) => BitConverter.ToInt32(_table.ValueOf(entry));

    private ListNodes Nodes(in StoreEntry entry) => _objects[ObjectIndex(entry)];

    /// <summary>Turns a packed list into nodes (its run becomes the first node) and returns them.</summary>
    private ListNodes ToNodes(ref StoreEntry entry)
    {
        var blob = _table.ValueOf(entry);
        var count = ListBlob.Count(blob);
        var nodes = new ListNodes(_memory, _directory);
        if (count > 0)
        {
            nodes.Insert(0, blob[ListBlob.Start..], count);
        }

        AttachTo(ref entry, nodes);
        return nodes;
    }

    /// <summary>Gives an (empty, packed) list entry an empty set of nodes.</summary>
    private ListNodes Attach(ref StoreEntry entry)
    {
        var nodes = new ListNodes(_memory, _directory);
        AttachTo(ref entry, nodes);
        return nodes;
    }

    private void AttachTo(ref StoreEntry entry, ListNodes nodes)
    {
        var index = _objects.Add(nodes);
        BitConverter.TryWriteBytes(_table.ResizeValue(ref entry, sizeof(int)), index);
        entry.Flags |= EntryFlags.External;
    }

    private static ReadOnlySpan<byte> ElementAt(ReadOnlySpan<byte> run, int index)
    {
        ListBlob.ReadAt(run, ListBlob.PositionOf(run, index), out var element);
        return element;
    }

    private ReadOnlySpan<byte> Element(ReadOnlySpan<byte> element)
    {
        if (_element.Length < element.Length)
        {
            _element = new byte[Math.Max(element.Length, _element.Length * 2)];
        }

        element.CopyTo(_element);
        return _element.AsSpan(0, element.Length);
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
