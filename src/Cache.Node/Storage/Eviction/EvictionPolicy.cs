namespace Cache.Node.Storage;

/// <summary>What the key space frees when used memory passes maxmemory (Redis' maxmemory-policy).</summary>
internal enum EvictionPolicy
{
    /// <summary>Evict nothing: writes that may grow memory get the OOM error.</summary>
    NoEviction,

    /// <summary>Approximated LRU over all keys: sample, keep the oldest in a pool, evict the oldest.</summary>
    AllKeysLru,

    /// <summary>A random key.</summary>
    AllKeysRandom,

    /// <summary>Approximated LRU over keys with an expiry.</summary>
    VolatileLru,

    /// <summary>A random key with an expiry.</summary>
    VolatileRandom,

    /// <summary>Among sampled keys with an expiry, the one expiring soonest.</summary>
    VolatileTtl,

    /// <summary>
    /// Not in Redis: SIEVE (Zhang et al., NSDI '24). Keys in insertion order, a visited bit set on
    /// access, a hand moving from the oldest towards the newest that clears bits and evicts the
    /// first unvisited key. Costs 8 bytes per key (the queue links) while it is the policy.
    /// </summary>
    AllKeysSieve,
}
