namespace Cache.Benchmarks;

/// <summary>Hit ratio of the eviction policies on a Zipf workload (filled in with phase 3).</summary>
internal static class EvictionHitRatio
{
    public static void Run(string[] args) => _ = args;
}
