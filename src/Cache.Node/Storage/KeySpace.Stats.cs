namespace Cache.Node.Storage;

/// <summary>Statistics maintenance for CONFIG RESETSTAT.</summary>
internal sealed partial class KeySpace
{
    /// <summary>Zeroes the hit, miss and expiry counters INFO stats reports.</summary>
    public void ResetStats()
    {
        Hits = 0;
        Misses = 0;
        ExpiredKeys = 0;
        ResetEvictionStats();
    }
}
