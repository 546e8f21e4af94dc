namespace Cache.Gossip.Transport;

/// <summary>
/// Moves gossip bytes: unreliable datagrams for probes and gossip, a request/response stream
/// exchange for push/pull and the fallback ping. Addresses are "host:port" strings.
/// </summary>
public interface IGossipTransport : IAsyncDisposable
{
    /// <summary>Address other members use to reach this node; valid after <see cref="StartAsync"/>.</summary>
    string LocalAddress { get; }

    /// <summary>Starts receiving and delivering to the handler.</summary>
    ValueTask StartAsync(IGossipPacketHandler handler, CancellationToken cancellationToken);

    /// <summary>Sends one datagram, best effort; never throws for network errors.</summary>
    void SendPacket(string address, byte[] packet);

    /// <summary>
    /// Sends a request over a stream and calls <paramref name="onResponse"/> exactly once with the
    /// response, or null on failure or timeout. The callback may run on any thread.
    /// </summary>
    void BeginExchange(string address, byte[] request, TimeSpan timeout, Action<byte[]?> onResponse);

    /// <summary>Resolves a seed (host:port, DNS names allowed) to addresses.</summary>
    ValueTask<IReadOnlyList<string>> ResolveAsync(string seed, CancellationToken cancellationToken);
}
