namespace Cache.Node.Storage;

/// <summary>
/// A value type's store, as the engine sees it: what it holds outside the entries' records (a
/// large collection's structure), for memory accounting, deletes and FLUSHALL. A value held in
/// its record only needs none of this; one whose entry carries <see cref="EntryFlags.External"/>
/// is released through its kind's store.
/// </summary>
internal interface IValueStore
{
    /// <summary>Bytes this store holds outside the records (part of used_memory), exact or a documented estimate.</summary>
    long UsedBytes { get; }

    /// <summary>Bytes of managed objects this store holds (part of the committed footprint).</summary>
    long ObjectBytes { get; }

    /// <summary>The encoding OBJECT ENCODING reports for a live entry of this kind, under Redis 7.0's name (listpack, hashtable, ...).</summary>
    string EncodingOf(in StoreEntry entry);

    /// <summary>Bytes an <see cref="EntryFlags.External"/> entry of this kind holds outside its record (MEMORY USAGE).</summary>
    long ExternalBytesOf(in StoreEntry entry);

    /// <summary>Drops what an <see cref="EntryFlags.External"/> entry of this kind holds outside its record and clears the flag.</summary>
    void Release(ref StoreEntry entry);

    /// <summary>Drops everything (FLUSHALL); the records themselves are cleared by the engine.</summary>
    void Clear();
}
