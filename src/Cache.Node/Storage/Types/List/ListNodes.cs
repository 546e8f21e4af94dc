namespace Cache.Node.Storage;

/// <summary>
/// A large list (Redis' quicklist): packed element runs (<see cref="ListBlob"/>), each in its own
/// <see cref="SlabAllocator"/> chunk, named by handle in a directory of three primitive arrays
/// (handle, entry count, byte length per node) used as a ring, so adding or dropping a node at
/// either end is O(1) amortised. The GC sees this object and its three arrays, whatever the
/// number of elements. Positions are element indices; node numbers count from the head.
/// </summary>
internal sealed class ListNodes
{
    // Bytes of this object and its three array headers, beyond the arrays' elements.
    private const int FixedBytes = 48 + (3 * 24);
    private const int BytesPerSlot = sizeof(long) + sizeof(int) + sizeof(int);

    private readonly SlabAllocator _memory;
    private readonly ListDirectoryBytes _bytes;
    private long[] _handles = new long[4];
    private int[] _entries = new int[4];
    private int[] _lengths = new int[4];
    private int _head;

    public ListNodes(SlabAllocator memory, ListDirectoryBytes bytes)
    {
        _memory = memory;
        _bytes = bytes;
        _bytes.Total += DirectoryBytes;
    }

    /// <summary>Elements in the list.</summary>
    public long Count { get; private set; }

    public int NodeCount { get; private set; }

    /// <summary>Bytes of the directory (this object and its arrays); the chunks count in the allocator.</summary>
    public long DirectoryBytes => FixedBytes + ((long)_handles.Length * BytesPerSlot);

    /// <summary>Bytes of the nodes' chunks at their class size (MEMORY USAGE; used_memory counts them in the allocator).</summary>
    public long ChunkBytes()
    {
        long bytes = 0;
        for (var node = 0; node < NodeCount; node++)
        {
            bytes += _memory.ChunkSize(_handles[Slot(node)]);
        }

        return bytes;
    }

    public ReadOnlySpan<byte> Content(int node)
    {
        var slot = Slot(node);
        return _memory.Chunk(_handles[slot])[.._lengths[slot]];
    }

    public int EntriesOf(int node) => _entries[Slot(node)];

    public int LengthOf(int node) => _lengths[Slot(node)];

    /// <summary>The node holding element <paramref name="index"/> (0 &lt;= index &lt; Count) and the index within it, walking from the nearer end.</summary>
    public int Locate(long index, out int within)
    {
        if (index < Count / 2)
        {
            for (var node = 0; ; node++)
            {
                var entries = _entries[Slot(node)];
                if (index < entries)
                {
                    within = (int)index;
                    return node;
                }

                index -= entries;
            }
        }

        var fromTail = Count - 1 - index;
        for (var node = NodeCount - 1; ; node--)
        {
            var entries = _entries[Slot(node)];
            if (fromTail < entries)
            {
                within = entries - 1 - (int)fromTail;
                return node;
            }

            fromTail -= entries;
        }
    }

    /// <summary>Replaces a node's run (which must not lie in the node's own chunk) with a non-empty one.</summary>
    public void Replace(int node, ReadOnlySpan<byte> content, int entries)
    {
        var slot = Slot(node);
        var handle = _handles[slot];
        if (!_memory.Fits(handle, content.Length))
        {
            _memory.Free(handle);
            handle = _memory.Allocate(content.Length);
            _handles[slot] = handle;
        }

        content.CopyTo(_memory.Chunk(handle));
        Count += entries - _entries[slot];
        _entries[slot] = entries;
        _lengths[slot] = content.Length;
    }

    /// <summary>Inserts a node holding <paramref name="content"/> before node <paramref name="node"/> (NodeCount: at the tail).</summary>
    public void Insert(int node, ReadOnlySpan<byte> content, int entries)
    {
        var handle = _memory.Allocate(content.Length);
        content.CopyTo(_memory.Chunk(handle));
        InsertHandle(node, handle, entries, content.Length);
    }

    /// <summary>Frees node <paramref name="node"/> and closes the gap.</summary>
    public void Remove(int node)
    {
        var slot = Slot(node);
        _memory.Free(_handles[slot]);
        Count -= _entries[slot];
        if (node == 0)
        {
            _head = (_head + 1) & (_handles.Length - 1);
        }
        else
        {
            for (var i = node; i < NodeCount - 1; i++)
            {
                CopySlot(Slot(i + 1), Slot(i));
            }
        }

        NodeCount--;
    }

    /// <summary>Appends one element to the head (or tail) node when the limit allows, else adds a node for it.</summary>
    public void Push(ReadOnlySpan<byte> element, bool head, ListNodeLimit limit)
    {
        var size = ListBlob.ElementSize(element.Length);
        var node = head ? 0 : NodeCount - 1;
        if (NodeCount == 0 || !limit.Accepts(EntriesOf(node), LengthOf(node), size))
        {
            var fresh = _memory.Allocate(size);
            ListBlob.Write(_memory.Chunk(fresh), element);
            InsertHandle(head ? 0 : NodeCount, fresh, 1, size);
            return;
        }

        var slot = Slot(node);
        var handle = _handles[slot];
        var length = _lengths[slot];
        var target = handle;
        if (!_memory.Fits(handle, length + size))
        {
            target = _memory.Allocate(length + size);
        }

        var old = _memory.Chunk(handle)[..length];
        var chunk = _memory.Chunk(target);
        if (head)
        {
            old.CopyTo(chunk[size..]);
            ListBlob.Write(chunk, element);
        }
        else
        {
            if (target != handle)
            {
                old.CopyTo(chunk);
            }

            ListBlob.Write(chunk[length..], element);
        }

        if (target != handle)
        {
            _memory.Free(handle);
            _handles[slot] = target;
        }

        _entries[slot]++;
        _lengths[slot] = length + size;
        Count++;
    }

    /// <summary>Removes the head (or tail) element, copying it into <paramref name="output"/> (grown as needed); returns its length.</summary>
    public int Pop(bool head, ref byte[] output)
    {
        var node = head ? 0 : NodeCount - 1;
        var slot = Slot(node);
        var handle = _handles[slot];
        var length = _lengths[slot];
        var run = _memory.Chunk(handle)[..length];
        var start = head ? 0 : ListBlob.LastPosition(run);
        var end = ListBlob.ReadAt(run, start, out var element);
        if (output.Length < element.Length)
        {
            output = new byte[Math.Max(element.Length, output.Length * 2)];
        }

        element.CopyTo(output);
        var popped = element.Length;
        if (_entries[slot] == 1)
        {
            Remove(node);
            return popped;
        }

        var remaining = length - (end - start);
        if (head)
        {
            run[end..].CopyTo(run);
        }

        if (!_memory.Fits(handle, remaining))
        {
            var smaller = _memory.Allocate(remaining);
            run[..remaining].CopyTo(_memory.Chunk(smaller));
            _memory.Free(handle);
            _handles[slot] = smaller;
        }

        _entries[slot]--;
        _lengths[slot] = remaining;
        Count--;
        return popped;
    }

    /// <summary>Frees every node's chunk and gives back the directory's bytes (the list is being dropped).</summary>
    public void Release()
    {
        for (var node = 0; node < NodeCount; node++)
        {
            _memory.Free(_handles[Slot(node)]);
        }

        NodeCount = 0;
        Count = 0;
        _bytes.Total -= DirectoryBytes;
    }

    private int Slot(int node) => (_head + node) & (_handles.Length - 1);

    private void InsertHandle(int node, long handle, int entries, int length)
    {
        if (NodeCount == _handles.Length)
        {
            Grow();
        }

        if (node == 0)
        {
            _head = (_head - 1) & (_handles.Length - 1);
        }
        else if (node < NodeCount)
        {
            // Open a gap by moving the tail side up one slot.
            for (var i = NodeCount; i > node; i--)
            {
                CopySlot(Slot(i - 1), Slot(i));
            }
        }

        NodeCount++;
        var slot = Slot(node);
        _handles[slot] = handle;
        _entries[slot] = entries;
        _lengths[slot] = length;
        Count += entries;
    }

    private void CopySlot(int from, int to)
    {
        _handles[to] = _handles[from];
        _entries[to] = _entries[from];
        _lengths[to] = _lengths[from];
    }

    private void Grow()
    {
        _bytes.Total -= DirectoryBytes;
        var capacity = _handles.Length * 2;
        var handles = new long[capacity];
        var entries = new int[capacity];
        var lengths = new int[capacity];
        for (var node = 0; node < NodeCount; node++)
        {
            var slot = Slot(node);
            handles[node] = _handles[slot];
            entries[node] = _entries[slot];
            lengths[node] = _lengths[slot];
        }

        _handles = handles;
        _entries = entries;
        _lengths = lengths;
        _head = 0;
        _bytes.Total += DirectoryBytes;
    }
}
