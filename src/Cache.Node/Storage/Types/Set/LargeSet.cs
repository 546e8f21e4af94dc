using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;

namespace Cache.Node.Storage;

/// <summary>
/// A large set: an open-addressing table with linear probing over two primitive arrays, the
/// members' slab handles (0: an empty slot) and their hashes. Each member is one slab chunk
/// (varint length, bytes), counted by the allocator, so the GC sees this object and two arrays
/// whatever the member count. Deletes shift the rest of a probe run back (no tombstones), so a
/// member always lies in the run that starts at its home slot; SSCAN walks home slots in Redis'
/// reverse-binary order, which keeps its guarantee across growing and shrinking.
/// </summary>
internal sealed class LargeSet
{
    /// <summary>Smallest table; a set only gets here past the packed limits, but may shrink after.</summary>
    private const int MinCapacity = 8;

    /// <summary>Bytes of this object and its two array headers (for used_memory).</summary>
    private const int FixedBytes = 32 + (2 * 24);

    private readonly SlabAllocator _memory;
    private long[] _handles;
    private uint[] _hashes;
    private int _count;

    public LargeSet(SlabAllocator memory, int expected)
    {
        _memory = memory;
        var capacity = CapacityFor(expected);
        _handles = new long[capacity];
        _hashes = new uint[capacity];
    }

    public int Count => _count;

    /// <summary>Table slots: a power of two.</summary>
    public int Capacity => _handles.Length;

    /// <summary>Bytes of the table itself; the members' chunks count in the allocator.</summary>
    public long TableBytes => FixedBytes + ((long)_handles.Length * (sizeof(long) + sizeof(uint)));

    public bool IsOccupied(int slot) => _handles[slot] != 0;

    /// <summary>The member in an occupied slot; valid until the next write to the key space.</summary>
    public ReadOnlySpan<byte> MemberAt(int slot) => Read(_handles[slot]);

    public static uint HashOf(ReadOnlySpan<byte> member) => EntryTable.Hash(member);

    public bool Contains(ReadOnlySpan<byte> member) => FindSlot(member, HashOf(member)) >= 0;

    /// <summary>Adds a member; false when it was there.</summary>
    public bool Add(ReadOnlySpan<byte> member)
    {
        var hash = HashOf(member);
        if (FindSlot(member, hash) >= 0)
        {
            return false;
        }

        if ((_count + 1) * 4L > _handles.Length * 3L)
        {
            Resize(_handles.Length * 2);
        }

        var handle = _memory.Allocate(SmallSetBlob.MemberSize(member.Length));
        var chunk = _memory.Chunk(handle);
        var at = RecordLayout.WriteVarint(chunk, (uint)member.Length);
        member.CopyTo(chunk[at..]);
        Place(handle, hash);
        _count++;
        return true;
    }

    /// <summary>Removes a member; false when it was not there.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        var slot = FindSlot(member, HashOf(member));
        if (slot < 0)
        {
            return false;
        }

        RemoveAt(slot);
        return true;
    }

    /// <summary>Removes the member in an occupied slot (SPOP).</summary>
    public void RemoveAt(int slot)
    {
        _memory.Free(_handles[slot]);
        _count--;
        var mask = _handles.Length - 1;

        // Backward-shift deletion: pull later members of the run into the hole when their home
        // slot does not lie (cyclically) between the hole and where they are.
        var hole = slot;
        for (var next = (hole + 1) & mask; _handles[next] != 0; next = (next + 1) & mask)
        {
            var home = (int)(_hashes[next] & (uint)mask);
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                _handles[hole] = _handles[next];
                _hashes[hole] = _hashes[next];
                hole = next;
            }
        }

        _handles[hole] = 0;
        _hashes[hole] = 0;
        if (_handles.Length > MinCapacity && _count * 8L < _handles.Length)
        {
            Resize(CapacityFor(_count));
        }
    }

    /// <summary>A uniformly random occupied slot of a non-empty set (the load factor stays above 1/8).</summary>
    public int RandomSlot(Random random)
    {
        Debug.Assert(_count > 0, "A random member of an empty set.");
        while (true)
        {
            var slot = random.Next(_handles.Length);
            if (_handles[slot] != 0)
            {
                return slot;
            }
        }
    }

    /// <summary>
    /// One scan step from <paramref name="cursor"/>: adds the slots of the members of each home
    /// bucket visited, in reverse-binary order (Redis' dictScan), until <paramref name="count"/>
    /// are found or ten times that many buckets were seen. Returns the next cursor (0: done).
    /// </summary>
    public ulong Scan(ulong cursor, long count, List<int> slots)
    {
        var mask = (ulong)(_handles.Length - 1);
        var budget = count * 10;
        do
        {
            CollectBucket((int)(cursor & mask), slots);

            // Add one to the reversed cursor: the order then stays valid when the table doubles or halves.
            cursor |= ~mask;
            cursor = ReverseBits(ReverseBits(cursor) + 1);
        }
        while (cursor != 0 && --budget > 0 && slots.Count < count);

        return cursor;
    }

    /// <summary>
    /// Adds the slots of the members whose home is <paramref name="bucket"/> to <paramref name="slots"/>:
    /// they lie in the run of occupied slots that starts there.
    /// </summary>
    private void CollectBucket(int bucket, List<int> slots)
    {
        var mask = _handles.Length - 1;
        for (var slot = bucket; _handles[slot] != 0; slot = (slot + 1) & mask)
        {
            if ((_hashes[slot] & (uint)mask) == (uint)bucket)
            {
                slots.Add(slot);
            }
        }
    }

    /// <summary>
    /// Slab bytes of the members' chunks: exact when <paramref name="samples"/> is 0 or covers
    /// the set, else the first that many members' average times the count (as MEMORY USAGE samples).
    /// </summary>
    public long MemberBytes(int samples)
    {
        long bytes = 0;
        var seen = 0;
        for (var slot = 0; slot < _handles.Length && (samples <= 0 || seen < samples); slot++)
        {
            if (_handles[slot] != 0)
            {
                bytes += _memory.ChunkSize(_handles[slot]);
                seen++;
            }
        }

        return seen == 0 || seen == _count ? bytes : bytes * _count / seen;
    }

    /// <summary>Frees every member's chunk (the set is being dropped).</summary>
    public void FreeMembers()
    {
        for (var slot = 0; slot < _handles.Length; slot++)
        {
            if (_handles[slot] != 0)
            {
                _memory.Free(_handles[slot]);
                _handles[slot] = 0;
            }
        }

        _count = 0;
    }

    private static ulong ReverseBits(ulong value)
    {
        value = ((value >> 1) & 0x5555555555555555UL) | ((value & 0x5555555555555555UL) << 1);
        value = ((value >> 2) & 0x3333333333333333UL) | ((value & 0x3333333333333333UL) << 2);
        value = ((value >> 4) & 0x0F0F0F0F0F0F0F0FUL) | ((value & 0x0F0F0F0F0F0F0F0FUL) << 4);
        return BinaryPrimitives.ReverseEndianness(value);
    }

    private static int CapacityFor(int count) => (int)Math.Max(MinCapacity, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, (count * 2) + 1)));

    private ReadOnlySpan<byte> Read(long handle)
    {
        var chunk = _memory.Chunk(handle);
        var at = RecordLayout.ReadVarint(chunk, 0, out var length);
        return chunk.Slice(at, (int)length);
    }

    private int FindSlot(ReadOnlySpan<byte> member, uint hash)
    {
        var mask = _handles.Length - 1;
        for (var slot = (int)(hash & (uint)mask); _handles[slot] != 0; slot = (slot + 1) & mask)
        {
            if (_hashes[slot] == hash && Read(_handles[slot]).SequenceEqual(member))
            {
                return slot;
            }
        }

        return -1;
    }

    private void Place(long handle, uint hash)
    {
        var mask = _handles.Length - 1;
        var slot = (int)(hash & (uint)mask);
        while (_handles[slot] != 0)
        {
            slot = (slot + 1) & mask;
        }

        _handles[slot] = handle;
        _hashes[slot] = hash;
    }

    private void Resize(int capacity)
    {
        var handles = _handles;
        var hashes = _hashes;
        _handles = new long[capacity];
        _hashes = new uint[capacity];
        for (var i = 0; i < handles.Length; i++)
        {
            if (handles[i] != 0)
            {
                Place(handles[i], hashes[i]);
            }
        }
    }
}
