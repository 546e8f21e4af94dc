namespace Cache.Client.Caching;

/// <summary>One near copy: the stored bytes (header and data) and the absolute end its header gives.</summary>
internal sealed class NearEntry(string key, byte[] stored, int offset, long? absoluteUnixMs)
{
    public string Key { get; } = key;

    public byte[] Stored { get; } = stored;

    /// <summary>Where the data starts (after our header; 0 for another client's value).</summary>
    public int Offset { get; } = offset;

    /// <summary>Bytes counted against <see cref="NearCacheOptions.MaxBytes"/>.</summary>
    public long Size => Stored.Length + (Key.Length * 2L) + 64;

    /// <summary>Set by a hit, cleared by the eviction clock: a second chance for what is read.</summary>
    public bool Touched { get; set; }

    /// <summary>
    /// Not past the absolute end by our clock (the node drops the key then too, and its
    /// invalidation removes the copy; this covers the time until it arrives).
    /// </summary>
    public bool IsFresh(long nowUnixMs) => absoluteUnixMs is not { } end || nowUnixMs < end;
}
