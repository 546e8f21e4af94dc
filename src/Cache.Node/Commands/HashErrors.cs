namespace Cache.Node.Commands;

/// <summary>Redis 7's error replies that only the hash family uses, byte for byte.</summary>
internal static class HashErrors
{
    public static ReadOnlySpan<byte> NotIntegerValue => "ERR hash value is not an integer"u8;

    public static ReadOnlySpan<byte> NotFloatValue => "ERR hash value is not a float"u8;

    public static ReadOnlySpan<byte> NaNOrInfinity => "ERR value is NaN or Infinity"u8;

    public static ReadOnlySpan<byte> WouldProduceNaNOrInfinity => "ERR increment would produce NaN or Infinity"u8;

    public static ReadOnlySpan<byte> InvalidCursor => "ERR invalid cursor"u8;

    public static ReadOnlySpan<byte> OutOfRange => "ERR value is out of range"u8;

    /// <summary>HRANDFIELD's count outside ±LONG_MAX (Redis' getRangeLongFromObjectOrReply wording).</summary>
    public static ReadOnlySpan<byte> CountOutOfRange =>
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8;
}
