using System.IO.Hashing;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Cache.Node.Storage;

/// <summary>
/// A hash table keyed by byte strings, looked up by span without allocating. Entries live in
/// one array and keep their index for as long as the key lives (growth copies entries in
/// order), which is what lets SCAN use an entry index as its cursor and RANDOMKEY pick a
/// random entry. Not thread-safe: the key space serialises access.
/// </summary>
/// <typeparam name="TValue">What each key maps to.</typeparam>
internal sealed class ByteKeyTable<TValue>
{
    // One seed per process: hash flooding needs the seed, and nothing persists hashes.
    private static readonly long Seed = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    private int[] _buckets;       // 1-based entry index of each chain head; 0 = empty
    private Entry[] _entries;
    private int _used;            // entries ever handed out (high-water mark)
    private int _freeList = -1;   // head of the chain of free entries
    private int _freeCount;

    public ByteKeyTable(int capacity = 4)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity));
        _buckets = new int[size];
        _entries = new Entry[size];
    }

    public int Count => _used - _freeCount;

    /// <summary>Upper bound (exclusive) of entry indices in use; the end of a scan.</summary>
    public int EntryLimit => _used;

    /// <summary>Returns the entry index of <paramref name="key"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> key)
    {
        var hash = Hash(key);
        var entries = _entries;
        for (var i = _buckets[hash & (_buckets.Length - 1)] - 1; (uint)i < (uint)entries.Length; i = entries[i].Next)
        {
            ref var entry = ref entries[i];
            if (entry.HashCode == hash && key.SequenceEqual(entry.Key))
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

        return ref _entries[index].Value;
    }

    /// <summary>Finds <paramref name="key"/> or adds it with a default value.</summary>
    public ref TValue GetOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        var index = IndexOf(key);
        if (index >= 0)
        {
            added = false;
            return ref _entries[index].Value;
        }

        added = true;
        // Add may grow the entry array: index into the array only after it returns.
        var entry = Add(key.ToArray(), Hash(key));
        return ref _entries[entry].Value;
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

    public bool IsOccupied(int index) => (uint)index < (uint)_used && _entries[index].Key is not null;

    public byte[] KeyAt(int index) => _entries[index].Key!;

    public ref TValue ValueAt(int index) => ref _entries[index].Value;

    public void RemoveAt(int index)
    {
        ref var entry = ref _entries[index];
        var bucket = entry.HashCode & (_buckets.Length - 1);
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

        entry.Key = null;
        entry.Value = default!;
        entry.Next = _freeList;
        _freeList = index;
        _freeCount++;
    }

    public void Clear()
    {
        Array.Clear(_buckets);
        Array.Clear(_entries, 0, _used);
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

        ref var bucket = ref _buckets[hash & (_buckets.Length - 1)];
        ref var entry = ref _entries[index];
        entry.Key = key;
        entry.HashCode = hash;
        entry.Next = bucket - 1;
        bucket = index + 1;
        return index;
    }

    private void Grow()
    {
        var size = _entries.Length * 2;
        Array.Resize(ref _entries, size);
        _buckets = new int[size];
        for (var i = 0; i < _used; i++)
        {
            ref var entry = ref _entries[i];
            if (entry.Key is null)
            {
                continue;
            }

            ref var bucket = ref _buckets[entry.HashCode & (size - 1)];
            entry.Next = bucket - 1;
            bucket = i + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(ReadOnlySpan<byte> key) => (int)XxHash3.HashToUInt64(key, Seed);

    private struct Entry
    {
        public byte[]? Key;
        public TValue Value;
        public int HashCode;
        public int Next;   // next entry in the chain (or in the free list); -1 ends it
    }
}
