using Cache.Gossip.Transport;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>Inbound packets and stream requests: validate the envelope, then dispatch each message under the gate.</summary>
public sealed partial class GossipNode
{
    private sealed class PacketHandler(GossipNode node) : IGossipPacketHandler
    {
        public void OnPacket(string from, ReadOnlyMemory<byte> packet) => node.OnPacket(from, packet);

        public byte[]? OnStream(string from, ReadOnlyMemory<byte> request) => node.OnStream(from, request);
    }

    internal void OnPacket(string from, ReadOnlyMemory<byte> packet)
    {
        Stats.PacketIn(packet.Length);
        if (!PacketEnvelope.TryOpen(packet, _label, _keyring, out var body, out var reason))
        {
            Stats.Drop(reason);
            return;
        }

        lock (_gate)
        {
            if (_stopped || _local is null)
            {
                return;
            }

            try
            {
                HandleBody(from, body.Span);
            }
            catch (Exception ex)
            {
                // A bug must not take down the receive loop; count it and go on.
                Stats.Drop(DropReason.Malformed);
                Log.HandlerFailed(_logger, from, ex);
            }
        }

        FlushEvents();
    }

    private void HandleBody(string from, ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        while (!r.End)
        {
            if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload))
            {
                Stats.Drop(DropReason.Truncated);
                return;
            }

            if (!HandleMessage(from, type, payload))
            {
                return;
            }
        }
    }

    private bool HandleMessage(string from, MessageType type, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case MessageType.Ping when MessageCodec.TryRead(payload, out PingMessage ping):
                OnPing(ping, from);
                return true;
            case MessageType.IndirectPing when MessageCodec.TryRead(payload, out IndirectPingMessage ind):
                OnIndirectPing(ind, from);
                return true;
            case MessageType.Ack when MessageCodec.TryReadSeq(payload, out var ack):
                OnAck(ack);
                return true;
            case MessageType.Nack when MessageCodec.TryReadSeq(payload, out var nack):
                OnNack(nack);
                return true;
            case MessageType.Alive when MessageCodec.TryRead(payload, out AliveMessage alive):
                AliveNode(alive);
                return true;
            case MessageType.Suspect when MessageCodec.TryRead(payload, out SuspectMessage suspect):
                SuspectNode(suspect);
                return true;
            case MessageType.Dead when MessageCodec.TryRead(payload, out DeadMessage dead):
                DeadNode(dead);
                return true;
            case MessageType.Ping or MessageType.IndirectPing or MessageType.Ack or MessageType.Nack
                or MessageType.Alive or MessageType.Suspect or MessageType.Dead or MessageType.PushPull:
                Stats.Drop(DropReason.Malformed);
                return false;
            default:
                // Skip what a newer version may send; the length prefix lets us.
                Stats.Drop(DropReason.UnknownType);
                return true;
        }
    }

    internal byte[]? OnStream(string from, ReadOnlyMemory<byte> request)
    {
        Stats.StreamIn(request.Length);
        if (!PacketEnvelope.TryOpen(request, _label, _keyring, out var body, out var reason))
        {
            Stats.Drop(reason);
            return null;
        }

        byte[]? response;
        lock (_gate)
        {
            if (_stopped || _local is null)
            {
                return null;
            }

            try
            {
                response = HandleStream(body.Span);
            }
            catch (Exception ex)
            {
                Stats.Drop(DropReason.Malformed);
                Log.HandlerFailed(_logger, from, ex);
                return null;
            }
        }

        FlushEvents();
        if (response is not null)
        {
            Stats.StreamBytesOut(response.Length);
        }

        return response;
    }

    private byte[]? HandleStream(ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload))
        {
            Stats.Drop(DropReason.Truncated);
            return null;
        }

        switch (type)
        {
            case MessageType.Ping when MessageCodec.TryRead(payload, out PingMessage ping):
                if (ping.Target.Length > 0 && ping.Target != _local!.Name)
                {
                    Stats.Drop(DropReason.WrongTarget);
                    return null;
                }

                _writer.Reset();
                MessageCodec.Write(_writer, new AckMessage(ping.Seq));
                return PacketEnvelope.Seal(_writer.WrittenSpan, _label, _keyring);
            case MessageType.PushPull when MessageCodec.TryReadPushPull(payload, out var join, out var sender, out var entries):
                // Answer with our state as it was before merging theirs, as memberlist does.
                var response = EncodeLocalState(join);
                MergeRemoteState(sender, entries);
                return response;
            default:
                Stats.Drop(type is MessageType.Ping or MessageType.PushPull ? DropReason.Malformed : DropReason.UnknownType);
                return null;
        }
    }
}
