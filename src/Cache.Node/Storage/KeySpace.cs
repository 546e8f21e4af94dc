using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// The node's keys: an <see cref="EntryTable"/> over slab memory, with Redis' expiry semantics
/// (lazy on access plus an active sweep), versions for replication, tombstones for deletes,
/// WATCH bookkeeping and keyspace statistics. Every member must be called while holding
/// <see cref="Gate"/>; commands run one at a time, as in Redis.
/// </summary>
/// <remarks>
/// A <c>ref StoreEntry</c> is valid until the next call that may add a key (table growth); a
/// value span until the next write to that key (its record may move or be reused).
/// </remarks>
internal sealed partial class KeySpace
{
    private readonly SlabAllocator _memory = new();
    private readonly EntryTable _table;
    private readonly HybridLogicalClock _clock;
    private readonly ByteKeyTable<List<WatchState>> _watchers = new();
    private readonly TimeProvider _time;
    private int _volatileCount;
    private int _tombstoneCount;
    private int _expireCursor;
    // Counts lookups; the LRU clock is it divided by 1024, so a 32-bit age wraps only after
    // 2^42 lookups (months at full load) instead of 2^31 (hours).
    private long _lookups;

    private uint AccessClock => (uint)(_lookups >> AccessTickShift);

    private const int AccessTickShift = 10;

    public KeySpace(TimeProvider time)
    {
        _time = time;
        _clock = new HybridLogicalClock(time);
        _table = new EntryTable(_memory, 1024);
    }

    /// <summary>Serialises every command against the key space.</summary>
    public Lock Gate { get; } = new();

    public TimeProvider Time => _time;

    /// <summary>Live keys (tombstones excluded).</summary>
    public int Count => _table.Count - _tombstoneCount;

    /// <summary>End of the slot range; the length of one full sweep.</summary>
    public int SlotLimit => _table.SlotLimit;

    /// <summary>Keys that have an expiry set.</summary>
    public int VolatileCount => _volatileCount;

    /// <summary>Deleted keys kept for their version until <see cref="TombstoneHorizonMs"/> passes.</summary>
    public int TombstoneCount => _tombstoneCount;

    /// <summary>
    /// How long a delete's tombstone is kept (ms); 0 (the default) deletes outright. A cluster
    /// node turns it on: a tombstone holds its slot until the horizon, so a delete-heavy load
    /// grows the table by the deletes of one horizon.
    /// </summary>
    public long TombstoneHorizonMs { get; set; }

    /// <summary>
    /// True while a cluster node has never had a peer: deletes and expiries remove outright (no
    /// copy elsewhere can bring a key back), though tombstones already made still wait out the horizon.
    /// </summary>
    public bool SkipTombstones { get; set; }

    private bool KeepsTombstones => TombstoneHorizonMs > 0 && !SkipTombstones;

    /// <summary>This node's id: the tiebreak of equal versions.</summary>
    public ushort NodeId { get; set; }

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    public long ExpiredKeys { get; private set; }

    /// <summary>Current time in Unix milliseconds, from the injected clock.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Finds a live key for reading and counts the hit or miss.</summary>
    public ref StoreEntry LookupRead(ReadOnlySpan<byte> key)
    {
        ref var entry = ref Lookup(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            Misses++;
        }
        else
        {
            Hits++;
        }

        return ref entry;
    }

    /// <summary>Finds a live key; an expired one is deleted and reported missing.</summary>
    public ref StoreEntry Lookup(ReadOnlySpan<byte> key)
    {
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return ref Unsafe.NullRef<StoreEntry>();
        }

        ref var entry = ref _table.SlotAt(index);
        if (entry.Kind == ValueKind.Tombstone)
        {
            return ref Unsafe.NullRef<StoreEntry>();
        }

        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            ExpireAt(index);
            return ref Unsafe.NullRef<StoreEntry>();
        }

        entry.LastAccess = NextAccessTick();
        entry.Flags |= EntryFlags.Visited;
        return ref entry;
    }

    public bool Exists(ReadOnlySpan<byte> key) => !Unsafe.IsNullRef(ref Lookup(key));

    /// <summary>
    /// Finds a live key or adds an empty one (<see cref="ValueKind.None"/>, empty value); the
    /// caller fills it with <see cref="SetValue"/> or the hash members.
    /// </summary>
    public ref StoreEntry GetOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            index = _table.Add(key, 0);
            SieveAdded(index);
            added = true;
        }
        else
        {
            ref var existing = ref _table.SlotAt(index);
            added = false;
            if (existing.Kind == ValueKind.Tombstone)
            {
                _tombstoneCount--;
                added = true;
            }
            else if (existing.ExpiresAt != 0 && existing.ExpiresAt <= NowMs)
            {
                // Reuse the slot: the old value is gone as if it had expired on its own.
                ExpiredKeys++;
                _volatileCount--;
                added = true;
            }

            if (added)
            {
                ReleaseValue(ref existing);
                _table.ResizeValue(ref existing, 0);
                existing.ExpiresAt = 0;
                existing.Kind = ValueKind.None;
            }
        }

        ref var entry = ref _table.SlotAt(index);
        entry.LastAccess = NextAccessTick();
        if (added)
        {
            Stamp(ref entry);
        }

        return ref entry;
    }

    /// <summary>Replaces the value of <paramref name="key"/> with a string, clearing its TTL unless kept.</summary>
    public void SetString(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAt = 0, bool keepTtl = false)
    {
        ref var entry = ref GetOrAdd(key, out _);
        SetValue(ref entry, value);
        if (!keepTtl)
        {
            SetExpiry(ref entry, expiresAt);
        }

        Touch(key);
    }

    /// <summary>Sets or clears (0) the absolute expiry of a live entry.</summary>
    public void SetExpiry(ref StoreEntry entry, long expiresAt)
    {
        if (entry.ExpiresAt == 0 && expiresAt != 0)
        {
            _volatileCount++;
        }
        else if (entry.ExpiresAt != 0 && expiresAt == 0)
        {
            _volatileCount--;
        }

        if (entry.ExpiresAt != expiresAt)
        {
            entry.ExpiresAt = expiresAt;
            Stamp(ref entry);
        }
    }

    /// <summary>Deletes a live key (leaving a tombstone while the horizon is on); false when missing.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return false;
        }

        ref var entry = ref _table.SlotAt(index);
        if (entry.Kind == ValueKind.Tombstone)
        {
            return false;
        }

        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            ExpireAt(index);
            return false;
        }

        if (KeepsTombstones)
        {
            MakeTombstone(index, _clock.Next(), NodeId);
        }
        else
        {
            RemoveSlot(index);
        }

        Touch(key);
        return true;
    }

    /// <summary>Deletes every key and tombstone; watchers of keys that existed see a modification.</summary>
    public void Clear()
    {
        if (_watchers.Count > 0)
        {
            for (var i = 0; i < _watchers.SlotLimit; i++)
            {
                if (_watchers.IsOccupied(i) && _table.IndexOf(_watchers.KeyAt(i)) is var index && index >= 0 && _table.SlotAt(index).Kind != ValueKind.Tombstone)
                {
                    MarkDirty(_watchers.ValueAt(i));
                }
            }
        }

        _table.Clear();
        Array.Clear(_slotDigests);
        _memory.Clear();
        ClearObjects();
        _volatileCount = 0;
        _tombstoneCount = 0;
        _expireCursor = 0;
        _poolCount = 0;
        SetSieve(false);
        SetSieve(_policy == EvictionPolicy.AllKeysSieve);
    }

    /// <summary>
    /// Gives back the index and the pages once the last key is gone (the index only grows while
    /// keys live, and it counts in used_memory, so an emptied node could otherwise stay "full").
    /// Called between commands, never inside one: commands may hold references into the table.
    /// </summary>
    public bool ShrinkIfEmpty()
    {
        if (_table.Count != 0 || _table.IndexBytes <= _table.EmptyIndexBytes)
        {
            return false;
        }

        Clear();
        return true;
    }

    /// <summary>Tells WATCHers that <paramref name="key"/> changed. Every write calls it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ReadOnlySpan<byte> key)
    {
        if (_capturing)
        {
            Captured(key);
        }

        if (_watchers.Count == 0)
        {
            return;
        }

        ref var list = ref _watchers.Find(key);
        if (!Unsafe.IsNullRef(ref list))
        {
            MarkDirty(list);
        }
    }

    public void Watch(ReadOnlySpan<byte> key, WatchState state)
    {
        ref var list = ref _watchers.GetOrAdd(key, out var added);
        if (added)
        {
            list = [];
        }

        if (!list.Contains(state))
        {
            list.Add(state);
            state.Keys.Add(key.ToArray());
        }
    }

    public void Unwatch(WatchState state)
    {
        foreach (var key in state.Keys)
        {
            ref var list = ref _watchers.Find(key);
            if (Unsafe.IsNullRef(ref list))
            {
                continue;
            }

            list.Remove(state);
            if (list.Count == 0)
            {
                _watchers.Remove(key);
            }
        }

        state.Keys.Clear();
        state.Dirty = false;
    }

    private static void MarkDirty(List<WatchState> watchers)
    {
        foreach (var w in watchers)
        {
            w.Dirty = true;
        }
    }

    /// <summary>Gives an entry a fresh version from this node's clock.</summary>
    private void Stamp(ref StoreEntry entry) => SetVersion(ref entry, _clock.Next(), NodeId);

    private void ExpireAt(int index)
    {
        // The key is read before the slot goes; Touch needs it after.
        var key = WatchersKey(index);
        if (KeepsTombstones)
        {
            // In a cluster an expired key keeps its version as a tombstone (until the horizon), so
            // a replica that missed the write cannot bring the older value back.
            ref var entry = ref _table.SlotAt(index);
            MakeTombstone(index, entry.Version, entry.Node);
        }
        else
        {
            RemoveSlot(index);
        }

        ExpiredKeys++;
        if (key is not null)
        {
            Touch(key);
        }
    }

    /// <summary>A copy of the slot's key when someone WATCHes keys (Touch needs it after removal), else null.</summary>
    private byte[]? WatchersKey(int index) => _watchers.Count == 0 ? null : _table.KeyAt(index).ToArray();

    private void MakeTombstone(int index, long version, ushort node)
    {
        ref var entry = ref _table.SlotAt(index);
        if (entry.ExpiresAt != 0)
        {
            _volatileCount--;
        }

        ReleaseValue(ref entry);
        _table.ResizeValue(ref entry, 0);
        entry.Kind = ValueKind.Tombstone;
        entry.ExpiresAt = 0;
        SetVersion(ref entry, version, node);
        _tombstoneCount++;
    }

    private void RemoveSlot(int index)
    {
        ref var entry = ref _table.SlotAt(index);
        if (entry.ExpiresAt != 0)
        {
            _volatileCount--;
        }

        if (entry.Kind == ValueKind.Tombstone)
        {
            _tombstoneCount--;
        }

        DigestRemoved(ref entry);
        ReleaseValue(ref entry);
        SieveRemoved(index);
        _table.RemoveAt(index);
    }
}
