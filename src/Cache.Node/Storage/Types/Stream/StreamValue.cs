namespace Cache.Node.Storage;

/// <summary>
/// One stream: its counters, its entries packed in blocks of slab memory, and its consumer
/// groups packed in one more slab chunk. The GC sees this object and its directory (five
/// primitive arrays), never an object per entry, group or pending entry.
/// </summary>
/// <remarks>
/// A block is Redis' listpack node: entries in id order, each <c>[flags][body length][ms - block's
/// first ms][seq][field count][field][value]...</c> (varints and length-prefixed strings). A block
/// takes entries until it holds stream-node-max-entries (deleted ones included) or would pass
/// stream-node-max-bytes, as Redis opens a new node; a deleted entry keeps its place, flagged,
/// and a block whose entries are all deleted goes. Blocks are found by binary search on their
/// first id.
/// </remarks>
internal sealed partial class StreamValue
{
    private const byte DeletedFlag = 1;
    private const int FirstChunk = 64;

    private readonly SlabAllocator _memory;
    private readonly StreamDirectoryBytes _directory;
    private long[] _handles = new long[4];
    private ulong[] _firstMs = new ulong[4];
    private ulong[] _firstSeq = new ulong[4];
    private int[] _live = new int[4];
    private int[] _deleted = new int[4];
    private int[] _used = new int[4];
    private int _blocks;
    private long _groups;
    private int _groupsLength;

    public StreamValue(SlabAllocator memory, StreamDirectoryBytes directory)
    {
        _memory = memory;
        _directory = directory;
        _directory.Total += DirectoryBytes;
    }

    /// <summary>Live entries.</summary>
    public long Length { get; private set; }

    /// <summary>Entries ever added (Redis' entries_added).</summary>
    public long EntriesAdded { get; set; }

    /// <summary>The last id given to an entry, or set by XSETID.</summary>
    public StreamId LastId { get; set; }

    /// <summary>The first live entry's id (0-0 when empty), Redis' recorded first id.</summary>
    public StreamId FirstId { get; private set; }

    /// <summary>The greatest id deleted so far (XDEL or XTRIM), Redis' max_deleted_entry_id.</summary>
    public StreamId MaxDeletedId { get; set; }

    /// <summary>Blocks (Redis' radix tree keys, one listpack each).</summary>
    public int BlockCount => _blocks;

    /// <summary>The directory's array bytes (part of used_memory).</summary>
    public long DirectoryBytes => (long)_handles.Length * ((sizeof(long) * 3) + (sizeof(int) * 3));

    /// <summary>Bytes of the slab chunks this stream holds.</summary>
    public long ChunkBytes()
    {
        var total = _groups == 0 ? 0L : _memory.ChunkSize(_groups);
        for (var i = 0; i < _blocks; i++)
        {
            total += _memory.ChunkSize(_handles[i]);
        }

        return total;
    }

    /// <summary>The packed consumer groups (empty when the stream has none); valid until they are next set.</summary>
    public ReadOnlySpan<byte> Groups => _groups == 0 ? [] : _memory.Chunk(_groups)[.._groupsLength];

    /// <summary>Replaces the packed consumer groups.</summary>
    public void SetGroups(ReadOnlySpan<byte> packed)
    {
        if (_groups != 0 && (packed.IsEmpty || !_memory.Fits(_groups, packed.Length)))
        {
            _memory.Free(_groups);
            _groups = 0;
        }

        _groupsLength = packed.Length;
        if (packed.IsEmpty)
        {
            return;
        }

        if (_groups == 0)
        {
            _groups = _memory.Allocate(packed.Length);
        }

        packed.CopyTo(_memory.Chunk(_groups));
    }

    /// <summary>
    /// Adds an entry with <paramref name="id"/> (greater than <see cref="LastId"/>) and
    /// <paramref name="fieldCount"/> pairs, and returns the <paramref name="pairsLength"/> bytes
    /// the caller writes the packed pairs into. Counts it in the length and entries added.
    /// </summary>
    public Span<byte> Append(StreamId id, int fieldCount, int pairsLength, int maxEntries, int maxBytes)
    {
        var head = StreamBytes.VarintSize((ulong)fieldCount);
        var last = _blocks - 1;
        var opens = last < 0
            || (maxBytes > 0 && _used[last] + pairsLength >= maxBytes)
            || (maxEntries > 0 && _live[last] + _deleted[last] >= maxEntries);
        if (opens)
        {
            last = AddBlock(id);
        }

        var body = StreamBytes.VarintSize(id.Ms - _firstMs[last]) + StreamBytes.VarintSize(id.Seq) + head + pairsLength;
        var size = 1 + StreamBytes.VarintSize((ulong)body) + body;
        var chunk = Reserve(last, size);
        var at = _used[last];
        chunk[at++] = 0;
        at += StreamBytes.WriteVarint(chunk[at..], (ulong)body);
        at += StreamBytes.WriteVarint(chunk[at..], id.Ms - _firstMs[last]);
        at += StreamBytes.WriteVarint(chunk[at..], id.Seq);
        at += StreamBytes.WriteVarint(chunk[at..], (ulong)fieldCount);
        _used[last] += size;
        _live[last]++;
        Length++;
        EntriesAdded++;
        LastId = id;
        if (Length == 1)
        {
            FirstId = id;
        }

        return chunk.Slice(at, pairsLength);
    }

    /// <summary>The first live entry with an id of at least <paramref name="from"/>.</summary>
    public bool SeekForward(StreamId from, out StreamPosition position)
    {
        var block = Math.Max(0, BlockAtOrBefore(from));
        for (; block < _blocks; block++)
        {
            var data = Data(block);
            for (var at = 0; at < data.Length; at = Skip(data, at))
            {
                if (data[at] != DeletedFlag && IdAt(block, data, at) >= from)
                {
                    position = new(block, at);
                    return true;
                }
            }
        }

        position = default;
        return false;
    }

    /// <summary>The last live entry with an id of at most <paramref name="to"/>.</summary>
    public bool SeekBackward(StreamId to, out StreamPosition position)
    {
        for (var block = BlockAtOrBefore(to); block >= 0; block--)
        {
            var data = Data(block);
            var found = -1;
            for (var at = 0; at < data.Length; at = Skip(data, at))
            {
                if (IdAt(block, data, at) > to)
                {
                    break;
                }

                if (data[at] != DeletedFlag)
                {
                    found = at;
                }
            }

            if (found >= 0)
            {
                position = new(block, found);
                return true;
            }
        }

        position = default;
        return false;
    }

    /// <summary>Moves to the next live entry; false at the end.</summary>
    public bool MoveNext(ref StreamPosition position)
    {
        var block = position.Block;
        var at = Skip(Data(block), position.Offset);
        for (; block < _blocks; block++, at = 0)
        {
            var data = Data(block);
            for (; at < data.Length; at = Skip(data, at))
            {
                if (data[at] != DeletedFlag)
                {
                    position = new(block, at);
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Moves to the previous live entry; false at the start.</summary>
    public bool MovePrevious(ref StreamPosition position)
    {
        var limit = position.Offset;
        for (var block = position.Block; block >= 0; block--)
        {
            var data = Data(block);
            var end = block == position.Block ? limit : data.Length;
            var found = -1;
            for (var at = 0; at < end; at = Skip(data, at))
            {
                if (data[at] != DeletedFlag)
                {
                    found = at;
                }
            }

            if (found >= 0)
            {
                position = new(block, found);
                return true;
            }
        }

        return false;
    }

    /// <summary>The entry at <paramref name="position"/>.</summary>
    public StreamEntry Read(StreamPosition position)
    {
        var data = Data(position.Block);
        var at = StreamBytes.ReadVarint(data, position.Offset + 1, out var body);
        var end = at + (int)body;
        at = StreamBytes.ReadVarint(data, at, out var msDelta);
        at = StreamBytes.ReadVarint(data, at, out var seq);
        at = StreamBytes.ReadVarint(data, at, out var fields);
        return new StreamEntry(new StreamId(_firstMs[position.Block] + msDelta, seq), (int)fields, data[at..end]);
    }

    /// <summary>Whether a live entry with exactly <paramref name="id"/> exists.</summary>
    public bool Contains(StreamId id) => SeekForward(id, out var position) && Read(position).Id == id;

    private ReadOnlySpan<byte> Data(int block) => _memory.Chunk(_handles[block])[.._used[block]];

    private StreamId IdAt(int block, ReadOnlySpan<byte> data, int at)
    {
        at = StreamBytes.ReadVarint(data, at + 1, out _);
        at = StreamBytes.ReadVarint(data, at, out var msDelta);
        StreamBytes.ReadVarint(data, at, out var seq);
        return new StreamId(_firstMs[block] + msDelta, seq);
    }

    private static int Skip(ReadOnlySpan<byte> data, int at)
    {
        var after = StreamBytes.ReadVarint(data, at + 1, out var body);
        return after + (int)body;
    }

    /// <summary>The last block whose first id is at most <paramref name="id"/>; -1 when none.</summary>
    private int BlockAtOrBefore(StreamId id)
    {
        int low = 0, high = _blocks - 1, found = -1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            if (new StreamId(_firstMs[mid], _firstSeq[mid]) <= id)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return found;
    }

    private int AddBlock(StreamId first)
    {
        if (_blocks == _handles.Length)
        {
            var capacity = _blocks * 2;
            _directory.Total -= DirectoryBytes;
            Array.Resize(ref _handles, capacity);
            Array.Resize(ref _firstMs, capacity);
            Array.Resize(ref _firstSeq, capacity);
            Array.Resize(ref _live, capacity);
            Array.Resize(ref _deleted, capacity);
            Array.Resize(ref _used, capacity);
            _directory.Total += DirectoryBytes;
        }

        var block = _blocks++;
        _handles[block] = _memory.Allocate(FirstChunk);
        _firstMs[block] = first.Ms;
        _firstSeq[block] = first.Seq;
        _live[block] = 0;
        _deleted[block] = 0;
        _used[block] = 0;
        return block;
    }

    /// <summary>The block's chunk with room for <paramref name="more"/> bytes past its used ones.</summary>
    private Span<byte> Reserve(int block, int more)
    {
        var handle = _handles[block];
        var need = _used[block] + more;
        if (_memory.ChunkSize(handle) >= need)
        {
            return _memory.Chunk(handle);
        }

        var grown = _memory.Allocate(Math.Max(need, _memory.ChunkSize(handle) * 2));
        _memory.Chunk(handle)[.._used[block]].CopyTo(_memory.Chunk(grown));
        _memory.Free(handle);
        _handles[block] = grown;
        return _memory.Chunk(grown);
    }
}
