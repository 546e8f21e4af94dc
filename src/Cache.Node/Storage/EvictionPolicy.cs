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

/// <summary>Redis' names for <see cref="EvictionPolicy"/>.</summary>
internal static class EvictionPolicies
{
    private static readonly (string Name, EvictionPolicy Policy)[] Names =
    [
        ("noeviction", EvictionPolicy.NoEviction),
        ("allkeys-lru", EvictionPolicy.AllKeysLru),
        ("allkeys-random", EvictionPolicy.AllKeysRandom),
        ("volatile-lru", EvictionPolicy.VolatileLru),
        ("volatile-random", EvictionPolicy.VolatileRandom),
        ("volatile-ttl", EvictionPolicy.VolatileTtl),
        ("allkeys-sieve", EvictionPolicy.AllKeysSieve),
    ];

    /// <summary>The accepted names, comma separated, for error messages.</summary>
    public static string List => string.Join(", ", Names.Select(n => n.Name));

    public static bool TryParse(string text, out EvictionPolicy policy)
    {
        foreach (var (name, value) in Names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                policy = value;
                return true;
            }
        }

        policy = default;
        return false;
    }

    public static string NameOf(EvictionPolicy policy)
    {
        foreach (var (name, value) in Names)
        {
            if (value == policy)
            {
                return name;
            }
        }

        return "noeviction";
    }
}
