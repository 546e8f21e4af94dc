using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// The node's keys: a table of entries with Redis' expiry semantics (lazy on access plus
/// an active sweep), WATCH bookkeeping and keyspace statistics. Every member must be called
/// while holding <see cref="Gate"/>; commands run one at a time, as in Redis.
/// </summary>
internal sealed partial class KeySpace(TimeProvider time)
{
    private readonly ByteKeyTable<StoreEntry> _table = new(1024);
    private readonly ByteKeyTable<List<WatchState>> _watchers = new();
    private int _volatileCount;
    private int _expireCursor;

    /// <summary>Serialises every command against the key space.</summary>
    public Lock Gate { get; } = new();

    public TimeProvider Time => time;

    public int Count => _table.Count;

    /// <summary>End of the slot range; the length of one full sweep.</summary>
    public int SlotLimit => _table.SlotLimit;

    /// <summary>Keys that have an expiry set.</summary>
    public int VolatileCount => _volatileCount;

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    public long ExpiredKeys { get; private set; }

    /// <summary>Current time in Unix milliseconds, from the injected clock.</summary>
    public long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

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

        ref var entry = ref _table.ValueAt(index);
        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            ExpireAt(index);
            return ref Unsafe.NullRef<StoreEntry>();
        }

        return ref entry;
    }

    public bool Exists(ReadOnlySpan<byte> key) => !Unsafe.IsNullRef(ref Lookup(key));

    /// <summary>
    /// Finds a live key or adds an empty one (<see cref="ValueKind.None"/>); the caller fills it.
    /// </summary>
    public ref StoreEntry GetOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        ref var entry = ref _table.GetOrAdd(key, out added);
        if (!added && entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            // Reuse the slot: the old value is gone as if it had expired on its own.
            ExpiredKeys++;
            _volatileCount--;
            entry = default;
            added = true;
        }

        return ref entry;
    }

    /// <summary>Replaces the value of <paramref name="key"/> with a string, clearing its TTL unless kept.</summary>
    public void SetString(ReadOnlySpan<byte> key, byte[] value, long expiresAt = 0, bool keepTtl = false)
    {
        ref var entry = ref GetOrAdd(key, out _);
        entry.Value = value;
        entry.Kind = ValueKind.String;
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

        entry.ExpiresAt = expiresAt;
    }

    public bool Delete(ReadOnlySpan<byte> key)
    {
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return false;
        }

        ref var entry = ref _table.ValueAt(index);
        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            ExpireAt(index);
            return false;
        }

        RemoveSlot(index);
        Touch(key);
        return true;
    }

    /// <summary>Deletes every key; watchers of keys that existed see a modification.</summary>
    public void Clear()
    {
        if (_watchers.Count > 0)
        {
            for (var i = 0; i < _watchers.SlotLimit; i++)
            {
                if (_watchers.IsOccupied(i) && _table.IndexOf(_watchers.KeyAt(i)) >= 0)
                {
                    MarkDirty(_watchers.ValueAt(i));
                }
            }
        }

        _table.Clear();
        _volatileCount = 0;
        _expireCursor = 0;
    }

    /// <summary>Tells WATCHers that <paramref name="key"/> changed. Every write calls it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ReadOnlySpan<byte> key)
    {
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

    private void ExpireAt(int index)
    {
        var key = _table.KeyAt(index);
        RemoveSlot(index);
        ExpiredKeys++;
        Touch(key);
    }

    private void RemoveSlot(int index)
    {
        if (_table.ValueAt(index).ExpiresAt != 0)
        {
            _volatileCount--;
        }

        _table.RemoveAt(index);
    }
}
