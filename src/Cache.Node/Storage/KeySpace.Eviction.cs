namespace Cache.Node.Storage;

/// <summary>
/// maxmemory and eviction, as Redis approximates it: before a command that may grow memory runs,
/// keys are evicted until <see cref="UsedMemory"/> is back under <see cref="MaxMemory"/>. Victims
/// come from random samples of slots (<see cref="EvictionSamples"/> per round) feeding a small pool
/// of the best candidates seen so far (Redis 3.0's eviction pool), scored by last access (a logical
/// clock bumped on every lookup) or by expiry time.
/// </summary>
internal sealed partial class KeySpace
{
    private const int PoolSize = 16;

    /// <summary>
    /// Evictions one call may do (about a millisecond): lowering maxmemory far below the data
    /// must not stall every client for seconds. The rest follows on later commands and ticks.
    /// </summary>
    public const int EvictionsPerCall = 1000;

    private readonly Random _evictionRandom = new();
    private readonly int[] _poolSlot = new int[PoolSize];
    private readonly long[] _poolScore = new long[PoolSize];
    private readonly uint[] _poolAccess = new uint[PoolSize];
    private int _poolCount;
    private EvictionPolicy _policy;

    /// <summary>Bytes of <see cref="UsedMemory"/> allowed; 0 means no limit.</summary>
    public long MaxMemory { get; set; }

    public EvictionPolicy Policy
    {
        get => _policy;
        set
        {
            _policy = value;
            _poolCount = 0;
            SetSieve(value == EvictionPolicy.AllKeysSieve);
        }
    }

    /// <summary>Slots sampled per eviction round (Redis' maxmemory-samples, 5).</summary>
    public int EvictionSamples { get; set; } = 5;

    public long EvictedKeys { get; private set; }

    /// <summary>
    /// Makes room before a write: evicts per <see cref="Policy"/> until used memory is within the
    /// limit, at most <see cref="EvictionsPerCall"/> keys (still over after that counts as room
    /// being made, as Redis' EVICT_RUNNING). False when it is over and nothing may be evicted
    /// (noeviction, or nothing left that the policy may take): the caller then refuses the
    /// command with Redis' OOM error.
    /// </summary>
    public bool EnsureMemory()
    {
        if (MaxMemory == 0 || UsedMemory <= MaxMemory)
        {
            return true;
        }

        if (Policy == EvictionPolicy.NoEviction)
        {
            return false;
        }

        for (var evicted = 0; UsedMemory > MaxMemory; evicted++)
        {
            if (evicted == EvictionsPerCall)
            {
                return true;
            }

            var victim = PickVictim();
            if (victim < 0)
            {
                return false;
            }

            var key = WatchersKey(victim);
            RemoveSlot(victim);
            EvictedKeys++;
            if (key is not null)
            {
                Touch(key);
            }
        }

        return true;
    }

    /// <summary>Zeroes evicted_keys (CONFIG RESETSTAT).</summary>
    private void ResetEvictionStats() => EvictedKeys = 0;

    private int PickVictim()
    {
        var volatileOnly = Policy is EvictionPolicy.VolatileLru or EvictionPolicy.VolatileRandom or EvictionPolicy.VolatileTtl;
        if (Count == 0 || (volatileOnly && _volatileCount == 0))
        {
            return -1;
        }

        if (Policy == EvictionPolicy.AllKeysSieve)
        {
            return SieveVictim();
        }

        if (Policy is EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom)
        {
            return SampleSlot(volatileOnly);
        }

        // Fill the pool from fresh samples, then take its best candidate that is still what it was.
        for (var n = 0; n < EvictionSamples; n++)
        {
            var slot = SampleSlot(volatileOnly);
            if (slot >= 0)
            {
                ref var entry = ref _table.SlotAt(slot);
                Offer(slot, Policy == EvictionPolicy.VolatileTtl ? entry.ExpiresAt : LruScore(entry.LastAccess, AccessClock), entry.LastAccess);
            }
        }

        while (_poolCount > 0)
        {
            var best = 0;
            for (var i = 1; i < _poolCount; i++)
            {
                if (_poolScore[i] < _poolScore[best])
                {
                    best = i;
                }
            }

            var slot = _poolSlot[best];
            var access = _poolAccess[best];
            RemoveFromPool(best);
            if (_table.IsOccupied(slot) && _table.SlotAt(slot) is { Kind: not ValueKind.Tombstone } entry && entry.LastAccess == access
                && (!volatileOnly || entry.ExpiresAt != 0))
            {
                return slot;
            }
        }

        return SampleSlot(volatileOnly);
    }

    /// <summary>A random slot holding a live key (with an expiry when asked), or -1.</summary>
    private int SampleSlot(bool volatileOnly)
    {
        var limit = _table.SlotLimit;
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var slot = _evictionRandom.Next(limit);
            if (IsCandidate(slot, volatileOnly))
            {
                return slot;
            }
        }

        // A sparse table (or few volatile keys): sweep from a random start.
        var start = _evictionRandom.Next(limit);
        for (var n = 0; n < limit; n++)
        {
            var slot = (start + n) % limit;
            if (IsCandidate(slot, volatileOnly))
            {
                return slot;
            }
        }

        return -1;
    }

    private bool IsCandidate(int slot, bool volatileOnly) =>
        _table.IsOccupied(slot) && _table.SlotAt(slot) is { Kind: not ValueKind.Tombstone } entry && (!volatileOnly || entry.ExpiresAt != 0);

    /// <summary>Lower evicts first: minus the age, computed modulo 2^32 so the clock may wrap.</summary>
    internal static long LruScore(uint lastAccess, uint clock) => -(long)unchecked(clock - lastAccess);

    private uint NextAccessTick() => (uint)(++_lookups >> AccessTickShift);

    private void Offer(int slot, long score, uint access)
    {
        for (var i = 0; i < _poolCount; i++)
        {
            if (_poolSlot[i] == slot)
            {
                _poolScore[i] = score;
                _poolAccess[i] = access;
                return;
            }
        }

        var at = _poolCount;
        if (_poolCount == PoolSize)
        {
            // Full: replace the worst candidate if this one is better.
            at = 0;
            for (var i = 1; i < PoolSize; i++)
            {
                if (_poolScore[i] > _poolScore[at])
                {
                    at = i;
                }
            }

            if (_poolScore[at] <= score)
            {
                return;
            }
        }
        else
        {
            _poolCount++;
        }

        _poolSlot[at] = slot;
        _poolScore[at] = score;
        _poolAccess[at] = access;
    }

    private void RemoveFromPool(int index)
    {
        _poolCount--;
        _poolSlot[index] = _poolSlot[_poolCount];
        _poolScore[index] = _poolScore[_poolCount];
        _poolAccess[index] = _poolAccess[_poolCount];
    }
}
