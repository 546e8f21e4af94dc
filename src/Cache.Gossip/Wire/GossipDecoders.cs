namespace Cache.Gossip.Wire;

/// <summary>
/// Every gossip decoder behind two calls, for fuzz targets and tests: <see cref="DecodePacket"/> opens an
/// envelope (before decryption) and decodes what is inside, <see cref="DecodeBody"/> decodes a body as it
/// is after decryption. Neither throws on any input; a throw is a bug.
/// </summary>
internal static class GossipDecoders
{
    /// <summary>Opens a packet or stream message and decodes its body; -1 if the envelope is refused, else as <see cref="DecodeBody"/>.</summary>
    public static int DecodePacket(ReadOnlyMemory<byte> packet, Keyring? keyring, bool stream, byte[]? label = null)
    {
        var limit = stream ? PacketEnvelope.MaxStreamBody : PacketEnvelope.MaxPacketBody;
        return PacketEnvelope.TryOpen(packet, label ?? [], keyring, limit, out var body, out _, out _)
            ? DecodeBody(body.Span)
            : -1;
    }

    /// <summary>Decodes each message of a body with its decoder; returns how many decoded, or -(n + 1) when the nth fails to.</summary>
    public static int DecodeBody(ReadOnlySpan<byte> body)
    {
        var r = new WireReader(body);
        var decoded = 0;
        while (!r.End)
        {
            if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload))
            {
                return -(decoded + 1);
            }

            var ok = type switch
            {
                MessageType.Ping => MessageCodec.TryRead(payload, out PingMessage _),
                MessageType.IndirectPing => MessageCodec.TryRead(payload, out IndirectPingMessage _),
                MessageType.Ack or MessageType.Nack => MessageCodec.TryReadSeq(payload, out _),
                MessageType.Alive => MessageCodec.TryRead(payload, out AliveMessage _),
                MessageType.Suspect => MessageCodec.TryRead(payload, out SuspectMessage _),
                MessageType.Dead => MessageCodec.TryRead(payload, out DeadMessage _),
                MessageType.PushPull => MessageCodec.TryReadPushPull(payload, out _, out _, out _),
                _ => true, // skipped by the receiver, as a newer version's message
            };
            if (!ok)
            {
                return -(decoded + 1);
            }

            decoded++;
        }

        return decoded;
    }
}
