namespace Cache.Node.Commands;

/// <summary>Redis 7.0's error replies of the set family, byte for byte.</summary>
internal static class SetErrors
{
    /// <summary>SPOP's count, unparsable or negative (getPositiveLongFromObjectOrReply).</summary>
    public static ReadOnlySpan<byte> MustBePositive => "ERR value is out of range, must be positive"u8;

    /// <summary>SRANDMEMBER's count below -LONG_MAX.</summary>
    public static ReadOnlySpan<byte> CountOutOfRange => "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"u8;

    /// <summary>A count Redis would accept but whose reply could not be sent (more than 2^31 members).</summary>
    public static ReadOnlySpan<byte> OutOfRange => "ERR value is out of range"u8;

    public static ReadOnlySpan<byte> NumKeys => "ERR numkeys should be greater than 0"u8;

    public static ReadOnlySpan<byte> TooManyKeys => "ERR Number of keys can't be greater than number of args"u8;

    public static ReadOnlySpan<byte> NegativeLimit => "ERR LIMIT can't be negative"u8;

    public static ReadOnlySpan<byte> InvalidCursor => "ERR invalid cursor"u8;
}
