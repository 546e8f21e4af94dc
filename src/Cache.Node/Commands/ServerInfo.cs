namespace Cache.Node.Commands;

/// <summary>What the node reports as its identity to Redis clients.</summary>
internal static class ServerInfo
{
    /// <summary>
    /// The Redis version whose behaviour we implement. Clients (StackExchange.Redis, redis-cli)
    /// switch features on this, so it names the protocol level, not our own release.
    /// </summary>
    public static ReadOnlySpan<byte> RedisVersion => "7.0.15"u8;

    public const string RedisVersionText = "7.0.15";

    /// <summary>Our own product version, shown in INFO server as gossipcache_version.</summary>
    public const string ProductVersion = "0.1.0";
}
