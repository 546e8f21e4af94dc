namespace Cache.Node.Storage;

/// <summary>How a value is encoded in its record.</summary>
[Flags]
internal enum EntryFlags : byte
{
    None = 0,

    /// <summary>A hash too big for one blob: the record holds an index into the key space's object table.</summary>
    LargeHash = 1,

    /// <summary>Read since the eviction hand last passed (allkeys-sieve).</summary>
    Visited = 2,
}
