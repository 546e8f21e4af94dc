using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// The node's keys: an <see cref="EntryTable"/> over slab memory, with Redis' expiry semantics
/// (lazy on access plus an active sweep), versions for replication, tombstones for deletes and
/// keyspace statistics. Every change to an entry is raised once to the engine's
/// <see cref="EntryObservers"/> as an <see cref="EntryChange"/> (slot digests, WATCH, replication
/// capture, and any added with <see cref="Observe"/>); eviction, hashes and replication's wire
/// forms are types it composes. Every member must be called while holding the lock taken with
/// <see cref="Enter"/>; commands run one at a time, as in Redis.
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
    private readonly EntryObservers _observers;
    private readonly EntryWalker _walker;
    private readonly ExpirySweep _expiry;
    private readonly EntryReplication _replication;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private int _volatileCount;
    private int _tombstoneCount;
    // The LRU clock in seconds, read once per Enter (as Redis caches its clock per event-loop
    // cycle); a key space not yet shared (tests, start-up) reads the time provider each time.
    private uint _accessClock;
    // Set by the first Enter: from then on the key space is shared and the lock is asserted.
    private bool _shared;

    /// <summary>
    /// The LRU clock: Unix seconds from the time provider, 32 bits (ages are taken modulo 2^32, so
    /// it wraps harmlessly in 2106). Redis' resolution is the same second (LRU_CLOCK_RESOLUTION).
    /// </summary>
    internal uint AccessClock => _shared ? _accessClock : ReadAccessClock();

    public KeySpace(TimeProvider time)
    {
        _time = time;
        _clock = new HybridLogicalClock(time);
        RemoteClocks = new ClockBound(time);
        _table = new EntryTable(_memory, 1024);
        _observers = new EntryObservers(new SlotDigests(), new WatchRegistry(_table), new ReplicationCapture());
        _hashes = new HashStore(this, _table);
        _lists = new ListStore(this, _table, _memory);
        _sets = new SetStore(this, _table);
        _sortedSets = new SortedSetStore(this, _table, _memory);
        _streams = new StreamStore(this, _table, _memory);
        _stores = ValueStores.Create(_hashes, _lists, _sets, _sortedSets, _streams);
        _codecs = ValueCodecs.Create(this, _hashes, _lists, _sets, _sortedSets, _streams);
        _eviction = new EvictionSampler(this, _table);
        _walker = new EntryWalker(this, _table);
        _expiry = new ExpirySweep(this, _table);
        _replication = new EntryReplication(this, _table, _clock);
    }

    /// <summary>
    /// Takes the lock that serialises every command against the key space, for a scope:
    /// <c>using (keys.Enter()) { ... }</c>. The one way to take it.
    /// </summary>
    public Lock.Scope Enter()
    {
        _shared = true;
        var scope = _gate.EnterScope();
        _accessClock = ReadAccessClock();
        return scope;
    }

    /// <summary>
    /// Takes the same lock unless it stays held for <paramref name="timeoutMs"/>; release it with
    /// <see cref="Exit"/>. For the connection loop, which must not wait behind a busy script.
    /// </summary>
    public bool TryEnter(int timeoutMs)
    {
        _shared = true;
        if (!_gate.TryEnter(timeoutMs))
        {
            return false;
        }

        // As Enter: the access clock OBJECT IDLETIME and LRU eviction read moves on with each batch.
        _accessClock = ReadAccessClock();
        return true;
    }

    /// <summary>Releases the lock <see cref="TryEnter"/> took.</summary>
    public void Exit() => _gate.Exit();

    /// <summary>True when the calling thread holds the lock <see cref="Enter"/> takes.</summary>
    public bool IsHeldByCurrentThread => _gate.IsHeldByCurrentThread;

    public TimeProvider Time => _time;

    /// <summary>The packed-encoding thresholds the value stores read (CONFIG SET changes them).</summary>
    public EncodingLimits Limits { get; } = new();

    /// <summary>Live keys (tombstones excluded).</summary>
    public int Count => _table.Count - _tombstoneCount;

    /// <summary>End of the entry range; the length of one full sweep.</summary>
    public int EntryLimit => _table.EntryLimit;

    /// <summary>Keys that have an expiry set.</summary>
    public int VolatileCount => _volatileCount;

    /// <summary>Deleted keys kept for their version until <see cref="TombstoneHorizonMs"/> passes.</summary>
    public int TombstoneCount => _tombstoneCount;

    /// <summary>
    /// How long a delete's tombstone is kept (ms); 0 (the default) deletes outright. A cluster
    /// node turns it on: a tombstone holds its entry until the horizon, so a delete-heavy load
    /// grows the table by the deletes of one horizon.
    /// </summary>
    public long TombstoneHorizonMs { get; set; }

    /// <summary>
    /// True while a cluster node has never had a peer: deletes and expiries remove outright (no
    /// copy elsewhere can bring a key back), though tombstones already made still wait out the horizon.
    /// </summary>
    public bool SkipTombstones { get; set; }

    internal bool KeepsTombstones => TombstoneHorizonMs > 0 && !SkipTombstones;

    /// <summary>This node's id: the tiebreak of equal versions.</summary>
    public ushort NodeId { get; set; }

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    public long ExpiredKeys { get; private set; }

    /// <summary>Current time in Unix milliseconds, from the injected clock.</summary>
    public long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Finds a live key for reading and counts the hit or miss.</summary>
    public ref StoreEntry LookupRead(ReadOnlySpan<byte> key) => ref LookupRead(key, touch: true);

    /// <summary>
    /// As <see cref="LookupRead(ReadOnlySpan{byte})"/>, leaving the key's access time alone when
    /// <paramref name="touch"/> is false (Redis' LOOKUP_NOTOUCH: TTL, TYPE, EXISTS).
    /// </summary>
    public ref StoreEntry LookupRead(ReadOnlySpan<byte> key, bool touch)
    {
        ref var entry = ref Lookup(key, touch);
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

    /// <summary>Finds a live key and marks it used now; an expired one is deleted and reported missing.</summary>
    public ref StoreEntry Lookup(ReadOnlySpan<byte> key) => ref Lookup(key, touch: true);

    /// <summary>Finds a live key, marking it used now only when <paramref name="touch"/>; an expired one is deleted and reported missing.</summary>
    public ref StoreEntry Lookup(ReadOnlySpan<byte> key, bool touch)
    {
        AssertHeld();
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return ref Unsafe.NullRef<StoreEntry>();
        }

        ref var entry = ref _table.EntryAt(index);
        if (entry.Kind == ValueKind.Tombstone)
        {
            return ref Unsafe.NullRef<StoreEntry>();
        }

        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            ExpireAt(index);
            return ref Unsafe.NullRef<StoreEntry>();
        }

        if (touch)
        {
            entry.LastAccess = NextAccessTick();
            entry.Flags |= EntryFlags.Visited;
        }

        return ref entry;
    }

    public bool Exists(ReadOnlySpan<byte> key) => !Unsafe.IsNullRef(ref Lookup(key));

    /// <summary>
    /// Finds a live key or adds an empty one (<see cref="ValueKind.None"/>, empty value); the
    /// caller fills it with <see cref="SetValue"/> or the hash members.
    /// </summary>
    public ref StoreEntry GetOrAdd(ReadOnlySpan<byte> key, out bool added)
    {
        AssertHeld();
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            index = _table.Add(key, 0);
            _eviction.Added(index);
            added = true;
        }
        else
        {
            ref var existing = ref _table.EntryAt(index);
            added = false;
            if (existing.Kind == ValueKind.Tombstone)
            {
                _tombstoneCount--;
                added = true;
            }
            else if (existing.ExpiresAt != 0 && existing.ExpiresAt <= NowMs)
            {
                // Reuse the entry: the old value is gone as if it had expired on its own.
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

        ref var entry = ref _table.EntryAt(index);
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
        AssertHeld();
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return false;
        }

        ref var entry = ref _table.EntryAt(index);
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
            MakeTombstone(index, _clock.Next(), NodeId, EntryChangeKind.Deleted);
        }
        else
        {
            RemoveEntry(index, EntryChangeKind.Deleted);
        }

        return true;
    }

    /// <summary>Deletes every key and tombstone; watchers of keys that existed see a modification.</summary>
    public void Clear()
    {
        AssertHeld();
        _observers.Raise(new EntryChange([], EntryVersion.None, EntryVersion.None, EntryChangeKind.Flushed));
        _table.Clear();
        _memory.Clear();
        foreach (var store in _stores)
        {
            store?.Clear();
        }

        _volatileCount = 0;
        _tombstoneCount = 0;
        _expiry.Reset();
        _eviction.Reset(_policy);
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

    /// <summary>
    /// A command's word that it changed <paramref name="key"/> where the engine may have seen no
    /// new version (EXPIRE to the same time, a hash field written): observers see a
    /// <see cref="EntryChangeKind.Written"/> change with no versions. Writes through the engine
    /// raise their own changes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(ReadOnlySpan<byte> key) =>
        _observers.Raise(new EntryChange(key, EntryVersion.None, EntryVersion.None, EntryChangeKind.Written));

    /// <summary>Gives an entry a fresh version from this node's clock.</summary>
    internal void Stamp(ref StoreEntry entry)
    {
        if (ForcedVersion is { } forced)
        {
            SetVersion(ref entry, forced.Clock, forced.Node, StampKind);
            return;
        }

        SetVersion(ref entry, _clock.Next(), NodeId, StampKind);
    }

    /// <summary>While set, every stamp gives this version: a replica re-running a primary's command (a delta) ends at the primary's version.</summary>
    internal EntryVersion? ForcedVersion { get; set; }

    /// <summary>The kind a version stamp reports: Merged while a peer's state is applied, else Written.</summary>
    internal EntryChangeKind StampKind { get; set; }

    /// <summary>Gives an entry a new version and tells the observers.</summary>
    internal void SetVersion(ref StoreEntry entry, long version, ushort node, EntryChangeKind kind)
    {
        var before = new EntryVersion(entry.Version, entry.Node);
        entry.Version = version;
        entry.Node = node;
        _observers.Raise(new EntryChange(_table.KeyOf(entry), before, new EntryVersion(version, node), kind));
    }

    /// <summary>Checks (in debug builds) that a shared key space is used under its lock.</summary>
    [Conditional("DEBUG")]
    private void AssertHeld() => Debug.Assert(!_shared || _gate.IsHeldByCurrentThread, "The key-space lock (KeySpace.Enter) is not held.");

    /// <summary>Expires the live key of entry <paramref name="index"/> (its TTL passed).</summary>
    internal void ExpireAt(int index)
    {
        if (KeepsTombstones)
        {
            // In a cluster an expired key keeps its version as a tombstone (until the horizon), so
            // a replica that missed the write cannot bring the older value back.
            ref var entry = ref _table.EntryAt(index);
            MakeTombstone(index, entry.Version, entry.Node, EntryChangeKind.Expired);
        }
        else
        {
            RemoveEntry(index, EntryChangeKind.Expired);
        }

        ExpiredKeys++;
    }

    internal void MakeTombstone(int index, long version, ushort node, EntryChangeKind kind)
    {
        ref var entry = ref _table.EntryAt(index);
        if (entry.ExpiresAt != 0)
        {
            _volatileCount--;
        }

        ReleaseValue(ref entry);
        _table.ResizeValue(ref entry, 0);
        entry.Kind = ValueKind.Tombstone;
        entry.ExpiresAt = 0;
        SetVersion(ref entry, version, node, kind);
        _tombstoneCount++;
    }

    /// <summary>Adds <paramref name="key"/> (absent here) as a tombstone of <paramref name="version"/>.</summary>
    internal void AddTombstone(ReadOnlySpan<byte> key, EntryVersion version, EntryChangeKind kind)
    {
        var index = _table.Add(key, 0);
        _eviction.Added(index);
        _tombstoneCount++;
        ref var entry = ref _table.EntryAt(index);
        entry.Kind = ValueKind.Tombstone;
        SetVersion(ref entry, version.Clock, version.Node, kind);
    }

    /// <summary>Frees an entry (live or tombstone) outright, telling the observers first.</summary>
    internal void RemoveEntry(int index, EntryChangeKind kind)
    {
        ref var entry = ref _table.EntryAt(index);
        if (entry.ExpiresAt != 0)
        {
            _volatileCount--;
        }

        if (entry.Kind == ValueKind.Tombstone)
        {
            _tombstoneCount--;
        }

        _observers.Raise(new EntryChange(_table.KeyOf(entry), new EntryVersion(entry.Version, entry.Node), EntryVersion.None, kind));
        ReleaseValue(ref entry);
        _eviction.Removed(index);
        _table.RemoveAt(index);
    }
}
