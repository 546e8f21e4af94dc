using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Cache.Node.Storage;

/// <summary>
/// The key index: chained hashing over an array of unmanaged <see cref="StoreEntry"/> slots and
/// an <c>int[]</c> of bucket heads, with keys and values in a <see cref="SlabAllocator"/>. No
/// per-key object: however many keys, the GC sees two arrays and the slab pages. Lookup by span
/// never allocates. A slot keeps its index while its key lives (growth copies slots in order),
/// so SCAN can use slot indices as cursors and RANDOMKEY can probe random slots.
/// Not thread-safe: the key space serialises access.
/// </summary>
internal sealed class EntryTable
{
    // One seed per process: hash flooding needs the seed, and nothing persists hashes.
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    private readonly SlabAllocator _memory;
    private readonly int _initialCapacity;
    private int[] _buckets;       // 1-based slot index of each chain head; 0 = empty
    private StoreEntry[] _slots;
    private int _used;            // slots ever handed out (high-water mark)
    private int _freeList = -1;   // head of the chain of free slots
    private int _freeCount;

    // The optional index by cluster hash slot (on in a cluster): per slot the 1-based index of the
    // first entry, and per entry its 1-based neighbours in its slot's chain (0 = none).
    private int[]? _slotHeads;
    private int[] _slotNext = [];
    private int[] _slotPrev = [];

    public EntryTable(SlabAllocator memory, int capacity = 16)
    {
        _memory = memory;
        _initialCapacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity));
        _buckets = new int[_initialCapacity];
        _slots = new StoreEntry[_initialCapacity];
    }

    /// <summary>Slots holding a key (tombstones included).</summary>
    public int Count => _used - _freeCount;

    /// <summary>Upper bound (exclusive) of slot indices in use; the end of a scan.</summary>
    public int SlotLimit => _used;

    /// <summary>Bytes of the index arrays (slots and buckets), allocated capacity included.</summary>
    public long IndexBytes => ((long)_slots.Length * Unsafe.SizeOf<StoreEntry>()) + ((long)_buckets.Length * sizeof(int))
        + ((long)(_slotNext.Length + _slotPrev.Length + (_slotHeads?.Length ?? 0)) * sizeof(int));

    /// <summary>What <see cref="IndexBytes"/> is right after <see cref="Clear"/>.</summary>
    public long EmptyIndexBytes => ((long)_initialCapacity * (Unsafe.SizeOf<StoreEntry>() + sizeof(int)))
        + (_slotHeads is null ? 0 : ((long)Cache.Gossip.Ring.HashSlot.Count + (2L * _initialCapacity)) * sizeof(int));

    public SlabAllocator Memory => _memory;

    /// <summary>Returns the slot index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        var hash = Hash(key);
        var slots = _slots;
        for (var i = _buckets[hash & (uint)(_buckets.Length - 1)] - 1; (uint)i < (uint)slots.Length; i = slots[i].Next)
        {
            ref var slot = ref slots[i];
            if (slot.HashCode == hash && key.SequenceEqual(RecordLayout.Key(_memory.Chunk(slot.Handle))))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Adds <paramref name="key"/> (which must be absent) with a zeroed slot and an uninitialised
    /// value of <paramref name="valueLength"/> bytes. Returns the new slot's index.
    /// </summary>
    public int Add(ReadOnlySpan<byte> key, int valueLength)
    {
        var handle = _memory.Allocate(RecordLayout.SizeOf(key.Length, valueLength));
        RecordLayout.Write(_memory.Chunk(handle), key, valueLength);
        var hash = Hash(key);
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = _slots[index].Next;
            _freeCount--;
        }
        else
        {
            if (_used == _slots.Length)
            {
                Grow();
            }

            index = _used++;
        }

        ref var bucket = ref _buckets[hash & (uint)(_buckets.Length - 1)];
        ref var slot = ref _slots[index];
        slot = default;
        slot.Handle = handle;
        slot.HashCode = hash;
        slot.Next = bucket - 1;
        bucket = index + 1;
        if (_slotHeads is not null)
        {
            Link(index, Cache.Gossip.Ring.HashSlot.ForKey(key));
        }

        return index;
    }

    /// <summary>True once <see cref="EnableSlotIndex"/> ran: entries can be listed by cluster hash slot.</summary>
    public bool HasSlotIndex => _slotHeads is not null;

    /// <summary>
    /// Starts keeping the entries of each cluster hash slot in a chain (8 bytes per entry), so a
    /// slot's keys are listed without walking the table. A cluster node turns it on.
    /// </summary>
    public void EnableSlotIndex()
    {
        if (_slotHeads is not null)
        {
            return;
        }

        _slotHeads = new int[Cache.Gossip.Ring.HashSlot.Count];
        _slotNext = new int[_slots.Length];
        _slotPrev = new int[_slots.Length];
        for (var i = 0; i < _used; i++)
        {
            if (_slots[i].Handle != 0)
            {
                Link(i, Cache.Gossip.Ring.HashSlot.ForKey(KeyAt(i)));
            }
        }
    }

    /// <summary>The first entry of cluster hash slot <paramref name="hashSlot"/>'s chain, or -1.</summary>
    public int FirstInHashSlot(int hashSlot) => _slotHeads![hashSlot] - 1;

    /// <summary>The entry after <paramref name="index"/> in its hash slot's chain, or -1.</summary>
    public int NextInHashSlot(int index) => _slotNext[index] - 1;

    private void Link(int index, int hashSlot)
    {
        var head = _slotHeads![hashSlot];
        _slotNext[index] = head;
        _slotPrev[index] = 0;
        if (head != 0)
        {
            _slotPrev[head - 1] = index + 1;
        }

        _slotHeads[hashSlot] = index + 1;
    }

    private void Unlink(int index, int hashSlot)
    {
        var (next, previous) = (_slotNext[index], _slotPrev[index]);
        if (previous != 0)
        {
            _slotNext[previous - 1] = next;
        }
        else
        {
            _slotHeads![hashSlot] = next;
        }

        if (next != 0)
        {
            _slotPrev[next - 1] = previous;
        }

        (_slotNext[index], _slotPrev[index]) = (0, 0);
    }

    public bool IsOccupied(int index) => (uint)index < (uint)_used && _slots[index].Handle != 0;

    public ref StoreEntry SlotAt(int index) => ref _slots[index];

    /// <summary>The key of an occupied slot; valid until the slot's record is reallocated or freed.</summary>
    public ReadOnlySpan<byte> KeyOf(in StoreEntry slot) => RecordLayout.Key(_memory.Chunk(slot.Handle));

    public ReadOnlySpan<byte> KeyAt(int index) => RecordLayout.Key(_memory.Chunk(_slots[index].Handle));

    /// <summary>The value bytes of an occupied slot; valid until the record is reallocated or freed.</summary>
    public Span<byte> ValueOf(in StoreEntry slot) => RecordLayout.Value(_memory.Chunk(slot.Handle));

    /// <summary>
    /// Gives the record of <paramref name="slot"/> a value of <paramref name="length"/> bytes and
    /// returns it. The first <paramref name="keep"/> bytes of the old value are kept; the rest is
    /// uninitialised. The record moves to another chunk when its size class changes.
    /// </summary>
    public Span<byte> ResizeValue(ref StoreEntry slot, int length, int keep = 0)
    {
        var chunk = _memory.Chunk(slot.Handle);
        var key = RecordLayout.Key(chunk);
        var oldValue = RecordLayout.Value(chunk);
        keep = Math.Min(keep, Math.Min(oldValue.Length, length));
        var size = RecordLayout.SizeOf(key.Length, length);
        if (_memory.Fits(slot.Handle, size))
        {
            // Same chunk: the header may change width, so move the key and kept bytes first.
            var header = RecordLayout.VarintSize((uint)key.Length) + RecordLayout.VarintSize((uint)length);
            var oldHeader = RecordLayout.VarintSize((uint)key.Length) + RecordLayout.VarintSize((uint)oldValue.Length);
            if (header != oldHeader)
            {
                chunk.Slice(oldHeader, key.Length + keep).CopyTo(chunk[header..]);
            }

            var at = RecordLayout.WriteVarint(chunk, (uint)key.Length);
            RecordLayout.WriteVarint(chunk[at..], (uint)length);
            return chunk.Slice(header + key.Length, length);
        }

        var handle = _memory.Allocate(size);
        var target = _memory.Chunk(handle);
        var value = RecordLayout.Write(target, key, length);
        oldValue[..keep].CopyTo(value);
        _memory.Free(slot.Handle);
        slot.Handle = handle;
        return value;
    }

    /// <summary>Frees the record and the slot of an occupied index.</summary>
    public void RemoveAt(int index)
    {
        ref var slot = ref _slots[index];
        var bucket = slot.HashCode & (uint)(_buckets.Length - 1);
        var previous = -1;
        for (var i = _buckets[bucket] - 1; i >= 0; previous = i, i = _slots[i].Next)
        {
            if (i != index)
            {
                continue;
            }

            if (previous < 0)
            {
                _buckets[bucket] = slot.Next + 1;
            }
            else
            {
                _slots[previous].Next = slot.Next;
            }

            break;
        }

        if (_slotHeads is not null)
        {
            Unlink(index, Cache.Gossip.Ring.HashSlot.ForKey(KeyAt(index)));
        }

        _memory.Free(slot.Handle);
        slot = default;
        slot.Next = _freeList;
        _freeList = index;
        _freeCount++;
    }

    /// <summary>Forgets every slot; the caller clears the allocator.</summary>
    public void Clear()
    {
        _buckets = new int[_initialCapacity];
        _slots = new StoreEntry[_initialCapacity];
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
        if (_slotHeads is not null)
        {
            _slotHeads = new int[Cache.Gossip.Ring.HashSlot.Count];
            _slotNext = new int[_initialCapacity];
            _slotPrev = new int[_initialCapacity];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ReadOnlySpan<byte> key) => (uint)XxHash3.HashToUInt64(key, Seed);

    private void Grow()
    {
        var size = _slots.Length * 2;
        Array.Resize(ref _slots, size);
        if (_slotHeads is not null)
        {
            Array.Resize(ref _slotNext, size);
            Array.Resize(ref _slotPrev, size);
        }

        _buckets = new int[size];
        for (var i = 0; i < _used; i++)
        {
            ref var slot = ref _slots[i];
            if (slot.Handle == 0)
            {
                continue;
            }

            ref var bucket = ref _buckets[slot.HashCode & (uint)(size - 1)];
            slot.Next = bucket - 1;
            bucket = i + 1;
        }
    }
}
