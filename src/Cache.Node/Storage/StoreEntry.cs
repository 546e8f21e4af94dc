using System.Runtime.InteropServices;

namespace Cache.Node.Storage;

/// <summary>
/// One key's entry in the <see cref="EntryTable"/>: metadata plus a handle to the record (key and
/// value bytes) in the slab. Unmanaged on purpose: an array of these is one object the GC never
/// has to trace into. 40 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
internal struct StoreEntry
{
    /// <summary>Absolute expiry in Unix milliseconds; 0 means the key does not expire.</summary>
    public long ExpiresAt;

    /// <summary>Hybrid logical clock of the last write (see <see cref="HybridLogicalClock"/>).</summary>
    public long Version;

    /// <summary>Slab handle of the record; 0 marks a free entry.</summary>
    internal long Handle;

    /// <summary>Hash of the key (the table's seeded XxHash3, truncated).</summary>
    internal uint HashCode;

    /// <summary>Next entry in the bucket chain, or in the free list; -1 ends it.</summary>
    internal int Next;

    /// <summary>LRU clock at the last access (<see cref="KeySpace.AccessClock"/>: Unix seconds; ages are taken modulo 2^32).</summary>
    public uint LastAccess;

    /// <summary>Node id that wrote <see cref="Version"/>: the tiebreak between equal clocks.</summary>
    public ushort Node;

    public ValueKind Kind;

    /// <summary>Encoding details of the value (see <see cref="EntryFlags"/>).</summary>
    internal EntryFlags Flags;
}
