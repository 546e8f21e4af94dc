namespace Cache.Node.Commands;

/// <summary>Redis 7's error replies, byte for byte.</summary>
internal static class Errors
{
    public static ReadOnlySpan<byte> WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value"u8;

    public static ReadOnlySpan<byte> Syntax => "ERR syntax error"u8;

    public static ReadOnlySpan<byte> NotInteger => "ERR value is not an integer or out of range"u8;

    public static ReadOnlySpan<byte> NotFloat => "ERR value is not a valid float"u8;

    public static ReadOnlySpan<byte> Overflow => "ERR increment or decrement would overflow"u8;

    public static ReadOnlySpan<byte> NoSuchKey => "ERR no such key"u8;

    public static ReadOnlySpan<byte> OutOfRange => "ERR index out of range"u8;

    /// <summary>"ERR invalid expire time in 'set' command", for the given command name.</summary>
    public static string InvalidExpireTime(string command) => $"ERR invalid expire time in '{command}' command";
}
