namespace Cache.Node.Storage;

/// <summary>
/// The sorted-set module's store: a sorted set's operations on its entry, over either encoding.
/// Up to zset-max-listpack-entries members of at most zset-max-listpack-value bytes
/// (<see cref="EncodingLimits"/>) a sorted set is one <see cref="ZSetBlob"/> in its key's record
/// ("listpack"); past that a <see cref="LargeSortedSet"/> ("skiplist") whose members live in
/// slab chunks, named by an index in this store's object table. Ranks are 0-based in
/// (score, member) order; spans are valid until the next write.
/// </summary>
internal sealed class SortedSetStore : IValueStore, ISortableValues
{
    private readonly KeySpace _keys;
    private readonly EntryTable _table;
    private readonly SlabAllocator _memory;
    private readonly IndexedObjects<LargeSortedSet> _objects = new();
    private byte[] _scratch = new byte[256];

    // Sum of the large sets' array bytes, kept by the delta of every write to one.
    private long _largeBytes;

    public SortedSetStore(KeySpace keys, EntryTable table, SlabAllocator memory)
    {
        _keys = keys;
        _table = table;
        _memory = memory;
    }

    /// <summary>Bytes of the large sets' arrays and the object table; their chunks count in the slab.</summary>
    public long UsedBytes => _largeBytes + ((long)_objects.Capacity * 12);

    public long ObjectBytes => _largeBytes;

    public static bool IsPacked(in StoreEntry entry) => (entry.Flags & EntryFlags.External) == 0;

    /// <summary>SORT's input: copies of the members by score.</summary>
    public void CopyElements(in StoreEntry entry, List<byte[]> into)
    {
        var count = Count(entry);
        for (var rank = 0; rank < count; rank++)
        {
            ReadAt(entry, rank, out var member, out _);
            into.Add(member.ToArray());
        }
    }

    public int Count(in StoreEntry entry) => IsPacked(entry) ? ZSetBlob.Count(_table.ValueOf(entry)) : Large(entry).Count;

    public bool TryGetScore(in StoreEntry entry, ReadOnlySpan<byte> member, out double score)
    {
        if (IsPacked(entry))
        {
            return ZSetBlob.Find(_table.ValueOf(entry), member, out _, out score, out _) >= 0;
        }

        return Large(entry).TryGetScore(member, out score);
    }

    /// <summary>The rank of <paramref name="member"/>, or -1.</summary>
    public long RankOf(in StoreEntry entry, ReadOnlySpan<byte> member, out double score)
    {
        if (IsPacked(entry))
        {
            ZSetBlob.Find(_table.ValueOf(entry), member, out _, out score, out var rank);
            return rank;
        }

        return Large(entry).RankOf(member, out score);
    }

    /// <summary>
    /// MEMORY USAGE's figure for a large set: its arrays, plus its member chunks estimated from up to
    /// 16 members spread over the ranks (as Redis samples nested values).
    /// </summary>
    public long ExternalBytesOf(in StoreEntry entry)
    {
        var large = Large(entry);
        var count = large.Count;
        var samples = Math.Min(count, 16);
        long sampled = 0;
        for (var i = 0; i < samples; i++)
        {
            large.ReadAt((long)i * count / samples, out var member, out _);
            sampled += SizeClasses.SizeOf(SizeClasses.ClassOf(ZSetBlob.EntrySize(member.Length)));
        }

        return large.Bytes + (samples == 0 ? 0 : sampled * count / samples);
    }

    public void ReadAt(in StoreEntry entry, long rank, out ReadOnlySpan<byte> member, out double score)
    {
        if (IsPacked(entry))
        {
            var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
            ZSetBlob.ReadAt(blob, ZSetBlob.PositionOf(blob, (int)rank), out member, out score);
            return;
        }

        Large(entry).ReadAt(rank, out member, out score);
    }

    /// <summary>Walks the members from rank <paramref name="rank"/> upwards.</summary>
    public ZSetCursor Cursor(in StoreEntry entry, long rank)
    {
        if (IsPacked(entry))
        {
            var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
            return new ZSetCursor(blob, null, rank, rank < ZSetBlob.Count(blob) ? ZSetBlob.PositionOf(blob, (int)rank) : blob.Length);
        }

        return new ZSetCursor(default, Large(entry), rank, 0);
    }

    /// <summary>
    /// Adds a member or gives it a new score (an entry just added by <see cref="KeySpace.GetOrAdd"/>
    /// becomes a sorted set). True when the member is new. The caller touches the key.
    /// </summary>
    public bool Set(ref StoreEntry entry, ReadOnlySpan<byte> member, double score)
    {
        if (entry.Kind != ValueKind.SortedSet)
        {
            _keys.SetValue(ref entry, [0, 0, 0, 0], ValueKind.SortedSet);
        }

        _keys.Stamp(ref entry);
        if (!IsPacked(entry))
        {
            var target = Large(entry);
            var before = target.Bytes;
            var added = target.Set(member, score);
            _largeBytes += target.Bytes - before;
            return added;
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        var start = ZSetBlob.Find(blob, member, out var end, out var old, out _);
        var isNew = start < 0;
        var limits = _keys.Limits;
        if ((isNew && ZSetBlob.Count(blob) >= limits.ZSetMaxListpackEntries) || member.Length > limits.ZSetMaxListpackValue)
        {
            var large = ToLarge(blob, ZSetBlob.Count(blob) + 1);
            large.Set(member, score);
            ReplaceWithLarge(ref entry, large);
            return isNew;
        }

        if (!isNew && old.Equals(score))
        {
            return false;
        }

        // A listpack keeps scores as text that reads -0 back as 0; Redis' skiplist keeps the sign.
        score = score == 0 ? 0 : score;

        var at = ZSetBlob.InsertPosition(blob, score, member);
        var size = ZSetBlob.EntrySize(member.Length);
        var length = blob.Length + size - (isNew ? 0 : end - start);
        var scratch = Scratch(length).AsSpan(0, length);
        var written = 0;
        if (isNew)
        {
            blob[..at].CopyTo(scratch);
            written = at + ZSetBlob.WriteEntry(scratch[at..], member, score);
            blob[at..].CopyTo(scratch[written..]);
            ZSetBlob.SetCount(scratch, ZSetBlob.Count(blob) + 1);
        }
        else if (at <= start)
        {
            blob[..at].CopyTo(scratch);
            written = at + ZSetBlob.WriteEntry(scratch[at..], member, score);
            blob[at..start].CopyTo(scratch[written..]);
            blob[end..].CopyTo(scratch[(written + start - at)..]);
        }
        else
        {
            blob[..start].CopyTo(scratch);
            blob[end..at].CopyTo(scratch[start..]);
            written = start + (at - end);
            written += ZSetBlob.WriteEntry(scratch[written..], member, score);
            blob[at..].CopyTo(scratch[written..]);
        }

        scratch.CopyTo(_table.ResizeValue(ref entry, length));
        return isNew;
    }

    /// <summary>Removes a member; true when it existed. A set left empty must be deleted by the caller.</summary>
    public bool Remove(ref StoreEntry entry, ReadOnlySpan<byte> member)
    {
        if (!IsPacked(entry))
        {
            var large = Large(entry);
            var before = large.Bytes;
            var removed = large.Remove(member);
            _largeBytes += large.Bytes - before;
            if (removed)
            {
                _keys.Stamp(ref entry);
            }

            return removed;
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        var start = ZSetBlob.Find(blob, member, out var end, out _, out _);
        if (start < 0)
        {
            return false;
        }

        RemoveSpan(ref entry, blob, start, end, 1);
        return true;
    }

    /// <summary>Removes the members of ranks [start, start + count).</summary>
    public void RemoveRange(ref StoreEntry entry, long start, long count)
    {
        if (count <= 0)
        {
            return;
        }

        if (!IsPacked(entry))
        {
            var large = Large(entry);
            var before = large.Bytes;
            large.RemoveRange(start, count);
            _largeBytes += large.Bytes - before;
            _keys.Stamp(ref entry);
            return;
        }

        var blob = (ReadOnlySpan<byte>)_table.ValueOf(entry);
        var from = ZSetBlob.PositionOf(blob, (int)start);
        var to = from;
        for (var i = 0; i < count; i++)
        {
            to = ZSetBlob.ReadAt(blob, to, out _, out _);
        }

        RemoveSpan(ref entry, blob, from, to, (int)count);
    }

    /// <summary>
    /// Replaces the value of <paramref name="entry"/> with <paramref name="members"/> (sorted by
    /// (score, member), no duplicates), choosing the encoding by size as Redis does for a
    /// command's destination key.
    /// </summary>
    public void Store(ref StoreEntry entry, IReadOnlyList<KeyValuePair<byte[], double>> members)
    {
        var limits = _keys.Limits;
        var packed = members.Count <= limits.ZSetMaxListpackEntries;
        var length = ZSetBlob.Start;
        foreach (var (member, _) in members)
        {
            packed &= member.Length <= limits.ZSetMaxListpackValue;
            length += ZSetBlob.EntrySize(member.Length);
        }

        if (!packed)
        {
            _keys.SetValue(ref entry, [0, 0, 0, 0], ValueKind.SortedSet);
            var large = new LargeSortedSet(_memory, members.Count);
            foreach (var (member, score) in members)
            {
                large.Set(member, score);
            }

            ReplaceWithLarge(ref entry, large);
            return;
        }

        var scratch = Scratch(length).AsSpan(0, length);
        ZSetBlob.SetCount(scratch, members.Count);
        var at = ZSetBlob.Start;
        foreach (var (member, score) in members)
        {
            at += ZSetBlob.WriteEntry(scratch[at..], member, score == 0 ? 0 : score);
        }

        _keys.SetValue(ref entry, scratch, ValueKind.SortedSet);
    }

    /// <summary>The set as one blob, whatever its encoding (replication's wire form).</summary>
    public byte[] ToBlob(in StoreEntry entry)
    {
        if (IsPacked(entry))
        {
            return _table.ValueOf(entry).ToArray();
        }

        var large = Large(entry);
        var length = ZSetBlob.Start;
        for (var i = 0; i < large.Count; i++)
        {
            large.ReadAt(i, out var member, out _);
            length += ZSetBlob.EntrySize(member.Length);
        }

        var blob = new byte[length];
        ZSetBlob.SetCount(blob, large.Count);
        var at = ZSetBlob.Start;
        for (var i = 0; i < large.Count; i++)
        {
            large.ReadAt(i, out var member, out var score);
            at += ZSetBlob.WriteEntry(blob.AsSpan(at), member, score);
        }

        return blob;
    }

    /// <summary>Stores a set given as a blob (replication), choosing the encoding by size.</summary>
    public void FromBlob(ref StoreEntry entry, ReadOnlySpan<byte> blob)
    {
        var limits = _keys.Limits;
        var count = ZSetBlob.Count(blob);
        var packed = count <= limits.ZSetMaxListpackEntries;
        for (var position = ZSetBlob.Start; packed && position < blob.Length;)
        {
            position = ZSetBlob.ReadAt(blob, position, out var member, out _);
            packed = member.Length <= limits.ZSetMaxListpackValue;
        }

        if (packed)
        {
            _keys.SetValue(ref entry, blob.Length < ZSetBlob.Start ? [0, 0, 0, 0] : blob, ValueKind.SortedSet);
            return;
        }

        var copy = blob.ToArray();
        _keys.SetValue(ref entry, [0, 0, 0, 0], ValueKind.SortedSet);
        ReplaceWithLarge(ref entry, ToLarge(copy, count));
    }

    public string EncodingOf(in StoreEntry entry) => IsPacked(entry) ? "listpack" : "skiplist";

    public void Release(ref StoreEntry entry)
    {
        var large = _objects.Remove(ObjectIndex(entry));
        _largeBytes -= large.Bytes;
        large.FreeAll();
        entry.Flags &= ~EntryFlags.External;
    }

    /// <summary>Forgets every large set; the slab itself is being cleared by the engine.</summary>
    public void Clear()
    {
        _objects.Clear();
        _largeBytes = 0;
    }

    private void RemoveSpan(ref StoreEntry entry, ReadOnlySpan<byte> blob, int from, int to, int count)
    {
        var length = blob.Length - (to - from);
        var scratch = Scratch(length).AsSpan(0, length);
        blob[..from].CopyTo(scratch);
        blob[to..].CopyTo(scratch[from..]);
        ZSetBlob.SetCount(scratch, ZSetBlob.Count(blob) - count);
        scratch.CopyTo(_table.ResizeValue(ref entry, length));
        _keys.Stamp(ref entry);
    }

    private LargeSortedSet ToLarge(ReadOnlySpan<byte> blob, int capacity)
    {
        var large = new LargeSortedSet(_memory, capacity);
        for (var position = ZSetBlob.Start; position < blob.Length;)
        {
            position = ZSetBlob.ReadAt(blob, position, out var member, out var score);
            large.Set(member, score);
        }

        return large;
    }

    private void ReplaceWithLarge(ref StoreEntry entry, LargeSortedSet large)
    {
        var index = _objects.Add(large);
        _largeBytes += large.Bytes;
        BitConverter.TryWriteBytes(_table.ResizeValue(ref entry, sizeof(int)), index);
        entry.Flags |= EntryFlags.External;
    }

    private int ObjectIndex(in StoreEntry entry) => BitConverter.ToInt32(_table.ValueOf(entry));

    private LargeSortedSet Large(in StoreEntry entry) => _objects[ObjectIndex(entry)];

    private byte[] Scratch(int length)
    {
        if (_scratch.Length < length)
        {
            _scratch = new byte[Math.Max(length, _scratch.Length * 2)];
        }

        return _scratch;
    }
}
