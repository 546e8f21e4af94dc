using Cache.Gossip.Simulation;
using Cache.Gossip.Transport;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Hardening;

/// <summary>A host on the simulated network that is not a gossip node: it sends hand-made packets and records what reaches it.</summary>
internal sealed class RawPeer : IGossipPacketHandler
{
    private readonly SimulatedTransport _transport;

    public RawPeer(SimulatedNetwork network, string address)
    {
        _transport = network.CreateTransport(address);
        Assert.True(_transport.StartAsync(this, default).IsCompletedSuccessfully);
    }

    public List<byte[]> Received { get; } = [];

    /// <summary>What a stream request to this host is answered with.</summary>
    public Func<byte[], byte[]?> Answer { get; set; } = _ => null;

    public void Send(string to, byte[] packet) => _transport.SendPacket(to, packet);

    public void Exchange(string to, byte[] request, Action<byte[]?> onResponse) =>
        _transport.BeginExchange(to, request, TimeSpan.FromSeconds(5), onResponse);

    /// <summary>Message types and sequence numbers (acks and nacks) of every plain packet received.</summary>
    public List<(MessageType Type, uint Seq)> Messages()
    {
        var list = new List<(MessageType, uint)>();
        foreach (var packet in Received)
        {
            Assert.True(PacketEnvelope.TryOpen(packet, [], null, out var body, out _));
            var r = new WireReader(body.Span);
            while (!r.End && MessageCodec.TryReadFrame(ref r, out var type, out var payload))
            {
                list.Add((type, type is MessageType.Ack or MessageType.Nack && MessageCodec.TryReadSeq(payload, out var s) ? s : 0));
            }
        }

        return list;
    }

    public static byte[] Plain(Action<WireWriter> write)
    {
        var w = new WireWriter();
        write(w);
        return PacketEnvelope.Seal(w.WrittenSpan, [], null);
    }

    void IGossipPacketHandler.OnPacket(string from, ReadOnlyMemory<byte> packet) => Received.Add(packet.ToArray());

    byte[]? IGossipPacketHandler.OnStream(string from, ReadOnlyMemory<byte> request) => Answer(request.ToArray());
}
