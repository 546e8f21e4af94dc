using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Cache.Node.Storage;

/// <summary>
/// The key index: chained hashing over an array of unmanaged <see cref="StoreEntry"/> entries and
/// an <c>int[]</c> of bucket heads, with keys and values in a <see cref="SlabAllocator"/>. No
/// per-key object: however many keys, the GC sees two arrays and the slab pages. Lookup by span
/// never allocates. An entry keeps its index while its key lives (growth copies entries in order),
/// so SCAN can use entry indices as cursors and RANDOMKEY can probe random entries.
/// Not thread-safe: the key space serialises access.
/// </summary>
internal sealed class EntryTable
{
    // One seed per process: hash flooding needs the seed, and nothing persists hashes.
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    private readonly SlabAllocator _memory;
    private readonly int _initialCapacity;
    private int[] _buckets;       // 1-based entry index of each chain head; 0 = empty
    private StoreEntry[] _entries;
    private int _used;            // entries ever handed out (high-water mark)
    private int _freeList = -1;   // head of the chain of free entries
    private int _freeCount;

    // The optional index by cluster hash slot (on in a cluster).
    private HashSlotIndex? _slotIndex;

    public EntryTable(SlabAllocator memory, int capacity = 16)
    {
        _memory = memory;
        _initialCapacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity));
        _buckets = new int[_initialCapacity];
        _entries = new StoreEntry[_initialCapacity];
    }

    /// <summary>Entries holding a key (tombstones included).</summary>
    public int Count => _used - _freeCount;

    /// <summary>Upper bound (exclusive) of entry indices in use; the end of a scan.</summary>
    public int EntryLimit => _used;

    /// <summary>Bytes of the index arrays (entries and buckets), allocated capacity included.</summary>
    public long IndexBytes => ((long)_entries.Length * Unsafe.SizeOf<StoreEntry>()) + ((long)_buckets.Length * sizeof(int))
        + (_slotIndex?.Bytes ?? 0);

    /// <summary>What <see cref="IndexBytes"/> is right after <see cref="Clear"/>.</summary>
    public long EmptyIndexBytes => ((long)_initialCapacity * (Unsafe.SizeOf<StoreEntry>() + sizeof(int)))
        + (_slotIndex is null ? 0 : HashSlotIndex.BytesFor(_initialCapacity));

    public SlabAllocator Memory => _memory;

    /// <summary>Returns the entry index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        var hash = Hash(key);
        var entries = _entries;
        for (var i = _buckets[hash & (uint)(_buckets.Length - 1)] - 1; (uint)i < (uint)entries.Length; i = entries[i].Next)
        {
            ref var entry = ref entries[i];
            if (entry.HashCode == hash && key.SequenceEqual(RecordLayout.Key(_memory.Chunk(entry.Handle))))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Adds <paramref name="key"/> (which must be absent) with a zeroed entry and an uninitialised
    /// value of <paramref name="valueLength"/> bytes. Returns the new entry's index.
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
            _freeList = _entries[index].Next;
            _freeCount--;
        }
        else
        {
            if (_used == _entries.Length)
            {
                Grow();
            }

            index = _used++;
        }

        ref var bucket = ref _buckets[hash & (uint)(_buckets.Length - 1)];
        ref var entry = ref _entries[index];
        entry = default;
        entry.Handle = handle;
        entry.HashCode = hash;
        entry.Next = bucket - 1;
        bucket = index + 1;
        _slotIndex?.Link(index, Cache.Gossip.Ring.HashSlot.ForKey(key));

        return index;
    }

    /// <summary>True once <see cref="EnableSlotIndex"/> ran: entries can be listed by cluster hash slot.</summary>
    public bool HasSlotIndex => _slotIndex is not null;

    /// <summary>
    /// Starts keeping the entries of each cluster hash slot in a chain (8 bytes per entry), so a
    /// slot's keys are listed without walking the table. A cluster node turns it on.
    /// </summary>
    public void EnableSlotIndex()
    {
        if (_slotIndex is not null)
        {
            return;
        }

        _slotIndex = new HashSlotIndex(_entries.Length);
        for (var i = 0; i < _used; i++)
        {
            if (_entries[i].Handle != 0)
            {
                _slotIndex.Link(i, Cache.Gossip.Ring.HashSlot.ForKey(KeyAt(i)));
            }
        }
    }

    /// <summary>The first entry of cluster hash slot <paramref name="hashSlot"/>'s chain, or -1.</summary>
    public int FirstInHashSlot(int hashSlot) => _slotIndex!.First(hashSlot);

    /// <summary>The entry after <paramref name="index"/> in its hash slot's chain, or -1.</summary>
    public int NextInHashSlot(int index) => _slotIndex!.Next(index);

    public bool IsOccupied(int index) => (uint)index < (uint)_used && _entries[index].Handle != 0;

    public ref StoreEntry EntryAt(int index) => ref _entries[index];

    /// <summary>The key of an occupied entry; valid until the entry's record is reallocated or freed.</summary>
    public ReadOnlySpan<byte> KeyOf(in StoreEntry entry) => RecordLayout.Key(_memory.Chunk(entry.Handle));

    public ReadOnlySpan<byte> KeyAt(int index) => RecordLayout.Key(_memory.Chunk(_entries[index].Handle));

    /// <summary>The value bytes of an occupied entry; valid until the record is reallocated or freed.</summary>
    public Span<byte> ValueOf(in StoreEntry entry) => RecordLayout.Value(_memory.Chunk(entry.Handle));

    /// <summary>
    /// Gives the record of <paramref name="entry"/> a value of <paramref name="length"/> bytes and
    /// returns it. The first <paramref name="keep"/> bytes of the old value are kept; the rest is
    /// uninitialised. The record moves to another chunk when its size class changes.
    /// </summary>
    public Span<byte> ResizeValue(ref StoreEntry entry, int length, int keep = 0)
    {
        var chunk = _memory.Chunk(entry.Handle);
        var key = RecordLayout.Key(chunk);
        var oldValue = RecordLayout.Value(chunk);
        keep = Math.Min(keep, Math.Min(oldValue.Length, length));
        var size = RecordLayout.SizeOf(key.Length, length);
        if (_memory.Fits(entry.Handle, size))
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
        _memory.Free(entry.Handle);
        entry.Handle = handle;
        return value;
    }

    /// <summary>Frees the record and the entry of an occupied index.</summary>
    public void RemoveAt(int index)
    {
        ref var entry = ref _entries[index];
        var bucket = entry.HashCode & (uint)(_buckets.Length - 1);
        var previous = -1;
        for (var i = _buckets[bucket] - 1; i >= 0; previous = i, i = _entries[i].Next)
        {
            if (i != index)
            {
                continue;
            }

            if (previous < 0)
            {
                _buckets[bucket] = entry.Next + 1;
            }
            else
            {
                _entries[previous].Next = entry.Next;
            }

            break;
        }

        _slotIndex?.Unlink(index, Cache.Gossip.Ring.HashSlot.ForKey(KeyAt(index)));

        _memory.Free(entry.Handle);
        entry = default;
        entry.Next = _freeList;
        _freeList = index;
        _freeCount++;
    }

    /// <summary>Forgets every entry; the caller clears the allocator.</summary>
    public void Clear()
    {
        _buckets = new int[_initialCapacity];
        _entries = new StoreEntry[_initialCapacity];
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
        if (_slotIndex is not null)
        {
            _slotIndex = new HashSlotIndex(_initialCapacity);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(ReadOnlySpan<byte> key) => (uint)XxHash3.HashToUInt64(key, Seed);

    private void Grow()
    {
        var size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _slotIndex?.Resize(size);

        _buckets = new int[size];
        for (var i = 0; i < _used; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.Handle == 0)
            {
                continue;
            }

            ref var bucket = ref _buckets[entry.HashCode & (uint)(size - 1)];
            entry.Next = bucket - 1;
            bucket = i + 1;
        }
    }
}
