namespace Cache.Node.Storage;

/// <summary>
/// Picks eviction victims as Redis approximates it: random samples of entries
/// (<see cref="KeySpace.EvictionSamples"/> per round) feed a small pool of the best candidates
/// seen so far (Redis 3.0's eviction pool), scored by last access (a logical clock bumped on
/// every lookup) or by expiry time; SIEVE has its own queue (<see cref="SieveQueue"/>).
/// </summary>
internal sealed class EvictionSampler
{
    private const int PoolSize = 16;

    private readonly KeySpace _keys;
    private readonly EntryTable _table;
    private readonly SieveQueue _sieve;
    private readonly Random _evictionRandom = new();
    private readonly int[] _poolEntry = new int[PoolSize];
    private readonly long[] _poolScore = new long[PoolSize];
    private readonly uint[] _poolAccess = new uint[PoolSize];
    private int _poolCount;

    public EvictionSampler(KeySpace keys, EntryTable table)
    {
        _keys = keys;
        _table = table;
        _sieve = new SieveQueue(table);
    }

    /// <summary>Bytes of the SIEVE queue's links, while that policy is on (part of used_memory).</summary>
    public long Bytes => _sieve.Bytes;

    /// <summary>A new policy: the pool starts over; the SIEVE queue is built or dropped.</summary>
    public void PolicyChanged(EvictionPolicy policy)
    {
        _poolCount = 0;
        _sieve.Enable(policy == EvictionPolicy.AllKeysSieve);
    }

    /// <summary>The table was cleared: nothing pooled or queued is valid.</summary>
    public void Reset(EvictionPolicy policy)
    {
        _poolCount = 0;
        _sieve.Enable(false);
        _sieve.Enable(policy == EvictionPolicy.AllKeysSieve);
    }

    /// <summary>A new entry at <paramref name="index"/>.</summary>
    public void Added(int index) => _sieve.Added(index);

    /// <summary>The entry at <paramref name="index"/> is about to be freed.</summary>
    public void Removed(int index) => _sieve.Removed(index);

    /// <summary>
    /// Evicts per <paramref name="policy"/> until used memory is within the limit, at most
    /// <paramref name="maxEvictions"/> keys; false when it is still over and nothing may be taken.
    /// </summary>
    public bool MakeRoom(EvictionPolicy policy, int maxEvictions, out int evicted)
    {
        for (evicted = 0; _keys.UsedMemory > _keys.MaxMemory; evicted++)
        {
            if (evicted == maxEvictions)
            {
                return true;
            }

            var victim = PickVictim(policy);
            if (victim < 0)
            {
                return false;
            }

            _keys.RemoveEntry(victim, EntryChangeKind.Evicted);
        }

        return true;
    }

    /// <summary>The entry the policy evicts next, or -1 when it may take none.</summary>
    private int PickVictim(EvictionPolicy policy)
    {
        var volatileOnly = policy is EvictionPolicy.VolatileLru or EvictionPolicy.VolatileRandom or EvictionPolicy.VolatileTtl;
        if (_keys.Count == 0 || (volatileOnly && _keys.VolatileCount == 0))
        {
            return -1;
        }

        if (policy == EvictionPolicy.AllKeysSieve)
        {
            return _sieve.Victim();
        }

        if (policy is EvictionPolicy.AllKeysRandom or EvictionPolicy.VolatileRandom)
        {
            return SampleEntry(volatileOnly);
        }

        // Fill the pool from fresh samples, then take its best candidate that is still what it was.
        for (var n = 0; n < _keys.EvictionSamples; n++)
        {
            var index = SampleEntry(volatileOnly);
            if (index >= 0)
            {
                ref var entry = ref _table.EntryAt(index);
                Offer(index, policy == EvictionPolicy.VolatileTtl ? entry.ExpiresAt : KeySpace.LruScore(entry.LastAccess, _keys.AccessClock), entry.LastAccess);
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

            var index = _poolEntry[best];
            var access = _poolAccess[best];
            RemoveFromPool(best);
            if (_table.IsOccupied(index) && _table.EntryAt(index) is { Kind: not ValueKind.Tombstone } entry && entry.LastAccess == access
                && (!volatileOnly || entry.ExpiresAt != 0))
            {
                return index;
            }
        }

        return SampleEntry(volatileOnly);
    }

    /// <summary>A random entry holding a live key (with an expiry when asked), or -1.</summary>
    private int SampleEntry(bool volatileOnly)
    {
        var limit = _table.EntryLimit;
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var index = _evictionRandom.Next(limit);
            if (IsCandidate(index, volatileOnly))
            {
                return index;
            }
        }

        // A sparse table (or few volatile keys): sweep from a random start.
        var start = _evictionRandom.Next(limit);
        for (var n = 0; n < limit; n++)
        {
            var index = (start + n) % limit;
            if (IsCandidate(index, volatileOnly))
            {
                return index;
            }
        }

        return -1;
    }

    private bool IsCandidate(int index, bool volatileOnly) =>
        _table.IsOccupied(index) && _table.EntryAt(index) is { Kind: not ValueKind.Tombstone } entry && (!volatileOnly || entry.ExpiresAt != 0);

    private void Offer(int index, long score, uint access)
    {
        for (var i = 0; i < _poolCount; i++)
        {
            if (_poolEntry[i] == index)
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

        _poolEntry[at] = index;
        _poolScore[at] = score;
        _poolAccess[at] = access;
    }

    private void RemoveFromPool(int index)
    {
        _poolCount--;
        _poolEntry[index] = _poolEntry[_poolCount];
        _poolScore[index] = _poolScore[_poolCount];
        _poolAccess[index] = _poolAccess[_poolCount];
    }
}
