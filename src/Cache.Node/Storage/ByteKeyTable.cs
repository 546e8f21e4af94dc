using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Cache.Node.Storage;

/// <summary>
/// A hash table keyed by byte strings, looked up by span without allocating. Slots live in
/// one array and keep their index for as long as the key lives (growth copies slots in
/// order), which is what lets SCAN use a slot index as its cursor and RANDOMKEY pick a
/// random slot. Not thread-safe: the key space serialises access.
/// </summary>
/// <typeparam name="TValue">What each key maps to.</typeparam>
internal sealed class ByteKeyTable<TValue>
{
    // One seed per process: hash flooding needs the seed, and nothing persists hashes.
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    private int[] _buckets;       // 1-based slot index of each chain head; 0 = empty
    private Slot[] _slots;
    private int _used;            // slots ever handed out (high-water mark)
    private int _freeList = -1;   // head of the chain of free slots
    private int _freeCount;

    public ByteKeyTable(int capacity = 4)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity));
        _buckets = new int[size];
        _slots = new Slot[size];
    }

    public int Count => _used - _freeCount;

    /// <summary>Upper bound (exclusive) of slot indices in use; the end of a scan.</summary>
    public int SlotLimit => _used;

    /// <summary>Returns the slot index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        var hash = Hash(key);
        var slots = _slots;
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; (uint)i < (uint)slots.Length; i = slots[i].Next)
        {
            ref var slot = ref slots[i];
            if (slot.HashCode == hash && key.SequenceEqual(slot.Key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A reference to the value of <paramref name="key"/>, or a null reference.</summary>
    public ref TValue Find(ReadOnlySpan<byte> key)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            return ref Unsafe.NullRef<TValue>();
        }

        return ref _slots[index].Value;
    }

    /// <summary>Finds <paramref name="key"/> or adds it with a default value.</summary>
    public ref TValue GetOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        var index = IndexOf(key);
        if (index >= 0)
        {
            added = false;
            return ref _slots[index].Value;
        }

        added = true;
        // Add may grow the slot array: index into the array only after it returns.
        var slot = Add(key.ToArray(), Hash(key));
        return ref _slots[slot].Value;
    }

    public bool Remove(ReadOnlySpan<byte> key)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            return false;
        }

        RemoveAt(index);
        return true;
    }

    public bool IsOccupied(int index) => (uint)index < (uint)_used && _slots[index].Key is not null;

    public byte[] KeyAt(int index) => _slots[index].Key!;

    public ref TValue ValueAt(int index) => ref _slots[index].Value;

    public void RemoveAt(int index)
    {
        ref var slot = ref _slots[index];
        var bucket = slot.HashCode & (_buckets.Length - 1);
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

        slot.Key = null;
        slot.Value = default!;
        slot.Next = _freeList;
        _freeList = index;
        _freeCount++;
    }

    public void Clear()
    {
        Array.Clear(_buckets);
        Array.Clear(_slots, 0, _used);
        _used = 0;
        _freeList = -1;
        _freeCount = 0;
    }

    private int Add(byte[] key, int hash)
    {
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

        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        ref var slot = ref _slots[index];
        slot.Key = key;
        slot.HashCode = hash;
        slot.Next = bucket - 1;
        bucket = index + 1;
        return index;
    }

    private void Grow()
    {
        var size = _slots.Length * 2;
        Array.Resize(ref _slots, size);
        _buckets = new int[size];
        for (var i = 0; i < _used; i++)
        {
            ref var slot = ref _slots[i];
            if (slot.Key is null)
            {
                continue;
            }

            ref var bucket = ref _buckets[slot.HashCode & (size - 1)];
            slot.Next = bucket - 1;
            bucket = i + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> key) => (int)XxHash3.HashToUInt64(key, Seed);

    private struct Slot
    {
        public byte[]? Key;
        public TValue Value;
        public int HashCode;
        public int Next;   // next slot in the chain (or in the free list); -1 ends it
    }
}
