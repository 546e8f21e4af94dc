namespace Cache.Node.Storage;

/// <summary>
/// A sorted set past the packed thresholds (Redis' "skiplist" encoding), pointer-free: each
/// member and its score in a slab chunk (<see cref="ZSetChunk"/>), a member index
/// (<see cref="ZSetMemberIndex"/>) for lookups and an order index (<see cref="ZSetOrderIndex"/>)
/// for ranks. The GC sees this object, two index arrays and one array per block of 128 handles.
/// </summary>
internal sealed class LargeSortedSet
{
    private readonly SlabAllocator _memory;
    private readonly ZSetMemberIndex _members;
    private readonly ZSetOrderIndex _order = new();

    public LargeSortedSet(SlabAllocator memory, int capacity)
    {
        _memory = memory;
        _members = new ZSetMemberIndex(memory, capacity);
    }

    public int Count => (int)_order.Count;

    /// <summary>Bytes of the managed arrays (the chunks count in the slab).</summary>
    public long Bytes => _order.Bytes + _members.Bytes + 64;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        var handle = _members.Find(member);
        score = handle == 0 ? 0 : ZSetChunk.Score(_memory.Chunk(handle));
        return handle != 0;
    }

    /// <summary>The rank of <paramref name="member"/>, or -1.</summary>
    public long RankOf(ReadOnlySpan<byte> member, out double score)
    {
        var handle = _members.Find(member);
        if (handle == 0)
        {
            score = 0;
            return -1;
        }

        score = ZSetChunk.Score(_memory.Chunk(handle));
        return LowerBound(score, member);
    }

    public void ReadAt(long rank, out ReadOnlySpan<byte> member, out double score)
    {
        var chunk = _memory.Chunk(_order[rank]);
        member = ZSetChunk.Member(chunk);
        score = ZSetChunk.Score(chunk);
    }

    /// <summary>Adds a member or moves it to a new score; true when it is new.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score)
    {
        var handle = _members.Find(member);
        if (handle != 0)
        {
            var chunk = _memory.Chunk(handle);
            var old = ZSetChunk.Score(chunk);
            if (old.Equals(score))
            {
                return false;
            }

            _order.RemoveAt(LowerBound(old, member));
            ZSetChunk.SetScore(chunk, score);
            _order.InsertAt(LowerBound(score, member), handle);
            return false;
        }

        // The rank first: the member is not in the order yet.
        var rank = LowerBound(score, member);
        handle = _memory.Allocate(ZSetChunk.SizeOf(member.Length));
        ZSetBlob.WriteEntry(_memory.Chunk(handle), member, score);
        _members.Add(handle, ZSetMemberIndex.HashOf(member));
        _order.InsertAt(rank, handle);
        return true;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        var handle = _members.Find(member);
        if (handle == 0)
        {
            return false;
        }

        var score = ZSetChunk.Score(_memory.Chunk(handle));
        _order.RemoveAt(LowerBound(score, member));
        _members.Remove(handle, ZSetMemberIndex.HashOf(member));
        _memory.Free(handle);
        return true;
    }

    /// <summary>Removes the members of ranks [start, start + count).</summary>
    public void RemoveRange(long start, long count)
    {
        for (var i = 0L; i < count; i++)
        {
            var handle = _order.RemoveAt(start);
            _members.Remove(handle, ZSetMemberIndex.HashOf(ZSetChunk.Member(_memory.Chunk(handle))));
            _memory.Free(handle);
        }
    }

    /// <summary>Frees every member's chunk (the set is being dropped).</summary>
    public void FreeAll()
    {
        for (var block = 0; block < _order.BlockCount; block++)
        {
            for (var i = 0; i < _order.BlockLength(block); i++)
            {
                _memory.Free(_order.At(block, i));
            }
        }
    }

    /// <summary>The number of members that sort before (score, member).</summary>
    private long LowerBound(double score, ReadOnlySpan<byte> member)
    {
        // The first block whose last member is not before the key, then a search inside it.
        int low = 0, high = _order.BlockCount;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (Before(_order.At(mid, _order.BlockLength(mid) - 1), score, member))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        if (low == _order.BlockCount)
        {
            return _order.Count;
        }

        var block = low;
        int first = 0, last = _order.BlockLength(block);
        while (first < last)
        {
            var mid = (first + last) >>> 1;
            if (Before(_order.At(block, mid), score, member))
            {
                first = mid + 1;
            }
            else
            {
                last = mid;
            }
        }

        return _order.FirstRankOf(block) + first;
    }

    private bool Before(long handle, double score, ReadOnlySpan<byte> member)
    {
        var chunk = _memory.Chunk(handle);
        return SortedSetOrder.Compare(ZSetChunk.Score(chunk), ZSetChunk.Member(chunk), score, member) < 0;
    }
}
