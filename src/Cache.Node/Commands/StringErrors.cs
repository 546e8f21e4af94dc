namespace Cache.Node.Commands;

/// <summary>Error replies only the string family uses, byte for byte as Redis 7 sends them.</summary>
internal static class StringErrors
{
    public static ReadOnlySpan<byte> TooLong => "ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8;

    public static ReadOnlySpan<byte> OffsetOutOfRange => "ERR offset is out of range"u8;

    public static ReadOnlySpan<byte> DecrementOverflow => "ERR decrement would overflow"u8;

    public static ReadOnlySpan<byte> NaNOrInfinity => "ERR increment would produce NaN or Infinity"u8;
}
