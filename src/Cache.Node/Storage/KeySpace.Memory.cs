namespace Cache.Node.Storage;

/// <summary>Memory accounting: exact running counters, never a walk of the heap.</summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Bytes the store holds: chunks in use at their class size (rounding slack included), large
    /// records, the index arrays at their capacity, allocator bookkeeping and the estimate for
    /// large hashes. This is INFO's used_memory and what maxmemory is compared with.
    /// </summary>
    public long UsedMemory => _memory.UsedBytes + _table.IndexBytes + _memory.OverheadBytes + _objectBytes + ((long)_objects.Capacity * 12) + SieveBytes;

    /// <summary>Bytes of slab pages and large records allocated (free chunks included): the store's footprint.</summary>
    public long CommittedMemory => _memory.CommittedBytes + _table.IndexBytes + _memory.OverheadBytes + _objectBytes;

    /// <summary>The SIEVE queue links, while that policy is on.</summary>
    private long SieveBytes => _newer is null ? 0 : (long)_newer.Length * 2 * sizeof(int);

    /// <summary>Slab pages allocated.</summary>
    public int SlabPages => _memory.PageCount;
}
