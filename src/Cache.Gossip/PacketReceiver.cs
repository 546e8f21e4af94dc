using Cache.Gossip.Transport;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

// Inbound packets and stream requests: validate the envelope, then dispatch each message under the node's gate.
internal sealed class PacketReceiver(GossipNode node, Prober prober, PushPullExchange pushPull) : IGossipPacketHandler
{
    public void OnPacket(string from, ReadOnlyMemory<byte> packet)
    {
        node.Stats.PacketIn(packet.Length);
        if (!node.TryOpen(packet, stream: false, out var body, out var reason))
        {
            node.Stats.Drop(reason);
            return;
        }

        lock (node.Gate)
        {
            if (node.IsStopped || node.Local is null)
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
                node.Stats.Drop(DropReason.Malformed);
                GossipLog.HandlerFailed(node.Logger, from, ex);
            }
        }

        node.FlushEvents();
    }

    public byte[]? OnStream(string from, ReadOnlyMemory<byte> request)
    {
        node.Stats.StreamIn(request.Length);
        if (!node.TryOpen(request, stream: true, out var body, out var reason))
        {
            node.Stats.Drop(reason);
            return null;
        }

        byte[]? response;
        lock (node.Gate)
        {
            if (node.IsStopped || node.Local is null)
            {
                return null;
            }

            try
            {
                response = HandleStream(body.Span);
            }
            catch (Exception ex)
            {
                node.Stats.Drop(DropReason.Malformed);
                GossipLog.HandlerFailed(node.Logger, from, ex);
                return null;
            }
        }

        node.FlushEvents();
        if (response is not null)
        {
            node.Stats.StreamBytesOut(response.Length);
        }

        return response;
    }

    private void HandleBody(string from, ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        while (!r.End)
        {
            if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload))
            {
                node.Stats.Drop(DropReason.Truncated);
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
                prober.OnPing(ping, from);
                return true;
            case MessageType.IndirectPing when MessageCodec.TryRead(payload, out IndirectPingMessage ind):
                prober.OnIndirectPing(ind, from);
                return true;
            case MessageType.Ack when MessageCodec.TryReadSeq(payload, out var ack):
                prober.OnAck(ack);
                return true;
            case MessageType.Nack when MessageCodec.TryReadSeq(payload, out var nack):
                prober.OnNack(nack);
                return true;
            case MessageType.Alive when MessageCodec.TryRead(payload, out AliveMessage alive):
                node.AliveNode(alive);
                return true;
            case MessageType.Suspect when MessageCodec.TryRead(payload, out SuspectMessage suspect):
                node.SuspectNode(suspect);
                return true;
            case MessageType.Dead when MessageCodec.TryRead(payload, out DeadMessage dead):
                node.DeadNode(dead);
                return true;
            case MessageType.Ping or MessageType.IndirectPing or MessageType.Ack or MessageType.Nack
                or MessageType.Alive or MessageType.Suspect or MessageType.Dead or MessageType.PushPull:
                node.Stats.Drop(DropReason.Malformed);
                return false;
            default:
                // Skip what a newer version may send; the length prefix lets us.
                node.Stats.Drop(DropReason.UnknownType);
                return true;
        }
    }

    private byte[]? HandleStream(ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload))
        {
            node.Stats.Drop(DropReason.Truncated);
            return null;
        }

        switch (type)
        {
            case MessageType.Ping when MessageCodec.TryRead(payload, out PingMessage ping):
                if (ping.Target.Length > 0 && ping.Target != node.Local!.Name)
                {
                    node.Stats.Drop(DropReason.WrongTarget);
                    return null;
                }

                var writer = node.Writer;
                writer.Reset();
                MessageCodec.Write(writer, new AckMessage(ping.Seq));
                return node.Seal(writer);
            case MessageType.PushPull when MessageCodec.TryReadPushPull(payload, out var join, out var sender, out var entries):
                return pushPull.Answer(join, sender, entries);
            default:
                node.Stats.Drop(type is MessageType.Ping or MessageType.PushPull ? DropReason.Malformed : DropReason.UnknownType);
                return null;
        }
    }
}
