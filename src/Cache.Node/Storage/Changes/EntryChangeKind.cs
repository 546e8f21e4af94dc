namespace Cache.Node.Storage;

/// <summary>What happened to an entry, as the engine reports it to its observers.</summary>
internal enum EntryChangeKind : byte
{
    /// <summary>A local write: a command set, grew or re-versioned the value, or touched the key.</summary>
    Written = 0,

    /// <summary>A delete: the entry went, or became a tombstone.</summary>
    Deleted = 1,

    /// <summary>The entry's TTL passed (lazily on access, or by the active sweep).</summary>
    Expired = 2,

    /// <summary>maxmemory took the entry.</summary>
    Evicted = 3,

    /// <summary>A peer's state of the entry replaced ours (replication, read repair, anti-entropy).</summary>
    Merged = 4,

    /// <summary>The entry was handed to its hash slot's owners and dropped here, with no tombstone.</summary>
    HandedOff = 5,

    /// <summary>A tombstone past the horizon was reclaimed: nothing a reader could see changed.</summary>
    Reclaimed = 6,

    /// <summary>Every entry is about to go (FLUSHALL, or the store shrinking once empty); the key is empty.</summary>
    Flushed = 7,
}
