namespace Cache.Node.Commands;

/// <summary>
/// One BCAST prefix: the clients registered for it and the keys under it changed since the last
/// broadcast, each with the client that changed it last (null for an expiry or eviction), so a
/// NOLOOP client is spared its own writes.
/// </summary>
internal sealed class BroadcastPrefix
{
    public HashSet<ClientSession> Clients { get; } = [];

    public Dictionary<byte[], ClientSession?> Pending { get; } = new(ChannelComparer.Instance);
}
