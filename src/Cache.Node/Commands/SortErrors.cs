namespace Cache.Node.Commands;

/// <summary>Redis 7's error replies that only SORT uses, byte for byte.</summary>
internal static class SortErrors
{
    public static ReadOnlySpan<byte> NotADouble => "ERR One or more scores can't be converted into double"u8;
}
