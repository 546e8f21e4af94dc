namespace Cache.Client.Caching;

/// <summary>
/// The opt-in in-process copy of values in front of the cluster (<see cref="GossipCacheOptions.NearCache"/>).
/// A read that hits it makes no network call; the nodes' client tracking removes a copy when its
/// key changes anywhere in the cluster, and losing a node connection or a ring change drops every copy.
/// </summary>
public sealed class NearCacheOptions
{
    /// <summary>Keep near copies. Off by default: each app instance then also hears every write of its keys (BCAST tracking).</summary>
    public bool Enabled { get; set; }

    /// <summary>Most copies kept; the least recently read go first (default 10,000).</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Most bytes of values (and keys) kept (default 64 MiB).</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>A value larger than this is never copied, only read from the cluster (default 1 MiB).</summary>
    public int MaxEntryBytes { get; set; } = 1024 * 1024;
}
