namespace Cache.Node.Resp;

/// <summary>The input limits Redis enforces, with Redis' defaults.</summary>
internal sealed class ProtocolLimits
{
    /// <summary>
    /// The most proto-max-bulk-len may be: a key and its value share one .NET array (at most
    /// ~2 GB), so each of them must stay under 1 GB.
    /// </summary>
    public const long MaxValueLength = (1L << 30) - (64 * 1024);

    /// <summary>Largest bulk string accepted (<c>proto-max-bulk-len</c>, 512 MB).</summary>
    public long MaxBulkLength { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest number of arguments in one command (Redis: 1024*1024).</summary>
    public int MaxMultiBulkLength { get; set; } = 1024 * 1024;

    /// <summary>Longest inline command or header line without a newline (64 KB).</summary>
    public int MaxInlineLength { get; set; } = 64 * 1024;

    /// <summary>Bytes a client may have buffered but not yet executed (<c>client-query-buffer-limit</c>, 1 GB).</summary>
    public long QueryBufferLimit { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Argument count allowed before AUTH when a password is set (Redis: 10).</summary>
    public int UnauthenticatedMaxMultiBulkLength { get; set; } = 10;

    /// <summary>Bulk length allowed before AUTH when a password is set (Redis: 16384).</summary>
    public long UnauthenticatedMaxBulkLength { get; set; } = 16384;
}
