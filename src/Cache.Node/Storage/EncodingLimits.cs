namespace Cache.Node.Storage;

/// <summary>
/// Where a collection stops being one packed record and becomes a structure of its own: Redis'
/// listpack/intset thresholds, under their redis.conf names, settable with CONFIG SET. Like Redis,
/// a change applies to values as they are next written; nothing is converted back.
/// </summary>
internal sealed class EncodingLimits
{
    /// <summary>hash-max-listpack-entries (alias hash-max-ziplist-entries).</summary>
    public int HashMaxListpackEntries { get; set; } = 128;

    /// <summary>hash-max-listpack-value (alias hash-max-ziplist-value): bytes of a field or value.</summary>
    public int HashMaxListpackValue { get; set; } = 64;

    /// <summary>
    /// list-max-listpack-size (alias list-max-ziplist-size): a positive number is the entries per
    /// packed node; -1 to -5 cap a node's bytes at 4, 8, 16, 32, 64 KiB.
    /// </summary>
    public int ListMaxListpackSize { get; set; } = -2;

    /// <summary>set-max-intset-entries: a set of integers only stays an intset up to this many.</summary>
    public int SetMaxIntsetEntries { get; set; } = 512;

    /// <summary>set-max-listpack-entries: a set of other members stays packed up to this many (Redis 7.2's setting; 7.0 ignores it).</summary>
    public int SetMaxListpackEntries { get; set; } = 128;

    /// <summary>zset-max-listpack-entries (alias zset-max-ziplist-entries).</summary>
    public int ZSetMaxListpackEntries { get; set; } = 128;

    /// <summary>zset-max-listpack-value (alias zset-max-ziplist-value): bytes of a member.</summary>
    public int ZSetMaxListpackValue { get; set; } = 64;

    /// <summary>stream-node-max-entries: entries (deleted ones included) per stream block; 0 for no cap.</summary>
    public int StreamNodeMaxEntries { get; set; } = 100;

    /// <summary>stream-node-max-bytes: bytes per stream block before a new one opens; 0 for no cap.</summary>
    public int StreamNodeMaxBytes { get; set; } = 4096;

    /// <summary>
    /// list-compress-depth: kept for CONFIG GET/SET; nodes are never compressed here (Redis'
    /// LZF of inner nodes is not observable through commands).
    /// </summary>
    public int ListCompressDepth { get; set; }

    /// <summary>The byte cap of one packed list node for a negative <see cref="ListMaxListpackSize"/>; 0 when it counts entries.</summary>
    public int ListNodeMaxBytes => ListMaxListpackSize < 0 ? 4096 << (Math.Clamp(-ListMaxListpackSize, 1, 5) - 1) : 0;
}
