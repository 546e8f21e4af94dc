namespace Cache.Node.Storage;

/// <summary>Memory accounting (exact running counters, never a walk of the heap) and the statistics CONFIG RESETSTAT zeroes.</summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Bytes the store holds: chunks in use at their class size (rounding slack included), large
    /// records, the index arrays at their capacity, allocator bookkeeping and what the value
    /// stores hold outside records (large collections). This is INFO's used_memory and what maxmemory is compared with.
    /// </summary>
    public long UsedMemory => _memory.UsedBytes + _table.IndexBytes + _memory.OverheadBytes + ValueStores.UsedBytes(_stores) + _eviction.Bytes;

    /// <summary>Bytes of slab pages and large records allocated (free chunks included): the store's footprint.</summary>
    public long CommittedMemory => _memory.CommittedBytes + _table.IndexBytes + _memory.OverheadBytes + ValueStores.ObjectBytes(_stores);

    /// <summary>Slab pages allocated.</summary>
    public int SlabPages => _memory.PageCount;

    /// <summary>Zeroes the hit, miss and expiry counters INFO stats reports.</summary>
    public void ResetStats()
    {
        Hits = 0;
        Misses = 0;
        ExpiredKeys = 0;
        ResetEvictionStats();
    }
}
