using Cache.Gossip.Transport;

namespace Cache.Gossip.Simulation;

/// <summary>One host's endpoint on a <see cref="SimulatedNetwork"/>.</summary>
public sealed class SimulatedTransport : IGossipTransport
{
    private readonly SimulatedNetwork _network;
    private IGossipPacketHandler? _handler;
    private bool _closed;

    internal SimulatedTransport(SimulatedNetwork network, string address)
    {
        _network = network;
        LocalAddress = address;
    }

    /// <inheritdoc />
    public string LocalAddress { get; }

    /// <inheritdoc />
    public ValueTask StartAsync(IGossipPacketHandler handler, CancellationToken cancellationToken)
    {
        _handler = handler;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void SendPacket(string address, byte[] packet)
    {
        if (!_closed)
        {
            _network.Send(LocalAddress, address, packet);
        }
    }

    /// <inheritdoc />
    public void BeginExchange(string address, byte[] request, TimeSpan timeout, Action<byte[]?> onResponse)
    {
        if (_closed)
        {
            onResponse(null);
            return;
        }

        _network.Exchange(LocalAddress, address, request, timeout, onResponse);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> ResolveAsync(string seed, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>([seed]);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }

    internal void Deliver(string from, byte[] packet)
    {
        if (!_closed)
        {
            _handler?.OnPacket(from, packet);
        }
    }

    internal byte[]? Serve(string from, byte[] request) => _closed ? null : _handler?.OnStream(from, request);
}
