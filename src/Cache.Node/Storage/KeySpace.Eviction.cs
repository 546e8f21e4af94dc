namespace Cache.Node.Storage;

/// <summary>
/// maxmemory and eviction: before a command that may grow memory runs, keys are evicted until
/// <see cref="UsedMemory"/> is back under <see cref="MaxMemory"/>; <see cref="EvictionSampler"/>
/// picks the victims.
/// </summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Evictions one call may do (about a millisecond): lowering maxmemory far below the data
    /// must not stall every client for seconds. The rest follows on later commands and ticks.
    /// </summary>
    public const int EvictionsPerCall = 1000;

    private readonly EvictionSampler _eviction;
    private EvictionPolicy _policy;

    /// <summary>Bytes of <see cref="UsedMemory"/> allowed; 0 means no limit.</summary>
    public long MaxMemory { get; set; }

    public EvictionPolicy Policy
    {
        get => _policy;
        set
        {
            _policy = value;
            _eviction.PolicyChanged(value);
        }
    }

    /// <summary>Entries sampled per eviction round (Redis' maxmemory-samples, 5).</summary>
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
        AssertHeld();
        if (MaxMemory == 0 || UsedMemory <= MaxMemory)
        {
            return true;
        }

        if (Policy == EvictionPolicy.NoEviction)
        {
            return false;
        }

        var made = _eviction.MakeRoom(Policy, EvictionsPerCall, out var evicted);
        EvictedKeys += evicted;
        return made;
    }

    /// <summary>Zeroes evicted_keys (CONFIG RESETSTAT).</summary>
    private void ResetEvictionStats() => EvictedKeys = 0;

    /// <summary>Lower evicts first: minus the age, computed modulo 2^32 so the clock may wrap.</summary>
    internal static long LruScore(uint lastAccess, uint clock) => -(long)unchecked(clock - lastAccess);

    private uint NextAccessTick() => AccessClock;

    private uint ReadAccessClock() => (uint)_time.GetUtcNow().ToUnixTimeSeconds();

    /// <summary>Seconds since the entry was last used (OBJECT IDLETIME).</summary>
    internal long IdleSeconds(in StoreEntry entry) => unchecked(AccessClock - entry.LastAccess);
}
