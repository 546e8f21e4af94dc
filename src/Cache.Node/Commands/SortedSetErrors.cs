namespace Cache.Node.Commands;

/// <summary>Redis 7.0's error replies that only the sorted-set family uses, byte for byte.</summary>
internal static class SortedSetErrors
{
    public static ReadOnlySpan<byte> NaNScore => "ERR resulting score is not a number (NaN)"u8;

    public static ReadOnlySpan<byte> XxAndNx => "ERR XX and NX options at the same time are not compatible"u8;

    public static ReadOnlySpan<byte> GtLtNx => "ERR GT, LT, and/or NX options at the same time are not compatible"u8;

    public static ReadOnlySpan<byte> IncrSinglePair => "ERR INCR option supports a single increment-element pair"u8;

    public static ReadOnlySpan<byte> MinMaxNotFloat => "ERR min or max is not a float"u8;

    public static ReadOnlySpan<byte> MinMaxNotString => "ERR min or max not valid string range item"u8;

    public static ReadOnlySpan<byte> LimitNeedsByScoreOrLex => "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"u8;

    public static ReadOnlySpan<byte> WithScoresByLex => "ERR syntax error, WITHSCORES not supported in combination with BYLEX"u8;

    public static ReadOnlySpan<byte> MustBePositive => "ERR value is out of range, must be positive"u8;

    public static ReadOnlySpan<byte> WeightNotFloat => "ERR weight value is not a float"u8;

    public static ReadOnlySpan<byte> LimitNegative => "ERR LIMIT can't be negative"u8;

    public static ReadOnlySpan<byte> NumKeysPositive => "ERR numkeys should be greater than 0"u8;

    public static ReadOnlySpan<byte> CountPositive => "ERR count should be greater than 0"u8;

    public static ReadOnlySpan<byte> OutOfRange => "ERR value is out of range"u8;

    public static string AtLeastOneKey(string command) => $"ERR at least 1 input key is needed for '{command}' command";
}
