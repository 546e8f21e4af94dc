namespace Cache.Node.Commands;

/// <summary>Redis 7's error replies that only the list family uses, byte for byte.</summary>
internal static class ListErrors
{
    /// <summary>A negative or non-integer count (Redis' getPositiveLongFromObjectOrReply).</summary>
    public static ReadOnlySpan<byte> MustBePositive => "ERR value is out of range, must be positive"u8;

    public static ReadOnlySpan<byte> RankZero =>
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"u8;

    public static ReadOnlySpan<byte> CountNegative => "ERR COUNT can't be negative"u8;

    public static ReadOnlySpan<byte> MaxLenNegative => "ERR MAXLEN can't be negative"u8;

    public static ReadOnlySpan<byte> NumKeys => "ERR numkeys should be greater than 0"u8;

    public static ReadOnlySpan<byte> CountNotPositive => "ERR count should be greater than 0"u8;
}
