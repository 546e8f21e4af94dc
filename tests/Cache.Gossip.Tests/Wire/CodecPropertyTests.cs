using Cache.Gossip.Wire;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Cache.Gossip.Tests.Wire;

public sealed class CodecPropertyTests
{
    private static string Clean(string? s, string fallback)
    {
        var chars = (s ?? "").Where(ch => !char.IsSurrogate(ch)).Take(60).ToArray();
        return chars.Length == 0 ? fallback : new string(chars);
    }

    private static (MessageType Type, byte[] Payload) SingleFrame(WireWriter w)
    {
        var r = new WireReader(w.WrittenSpan);
        Assert.True(MessageCodec.TryReadFrame(ref r, out var type, out var payload));
        Assert.True(r.End);
        return (type, payload.ToArray());
    }

    [Property]
    public bool Alive_round_trips(uint incarnation, string name, string address, byte[]? meta)
    {
        var m = new AliveMessage(incarnation, Clean(name, "n"), Clean(address, "a"), (meta ?? []).Take(1024).ToArray());
        var w = new WireWriter(8);
        MessageCodec.Write(w, m);
        var (type, payload) = SingleFrame(w);
        return type == MessageType.Alive && MessageCodec.TryRead(payload, out AliveMessage back) &&
            back.Incarnation == m.Incarnation && back.Name == m.Name && back.Address == m.Address &&
            back.Metadata.AsSpan().SequenceEqual(m.Metadata);
    }

    [Property]
    public bool Probe_messages_round_trip(uint seq, string target, string source, bool nack)
    {
        var w = new WireWriter(8);
        var ping = new PingMessage(seq, Clean(target, ""), Clean(source, "s"), "10.0.0.1:7946");
        var ind = new IndirectPingMessage(seq, Clean(target, "t"), "[::1]:1", nack, Clean(source, "s"), "h:1");
        MessageCodec.Write(w, ping);
        MessageCodec.Write(w, ind);
        MessageCodec.Write(w, new AckMessage(seq));
        MessageCodec.Write(w, new NackMessage(seq));
        MessageCodec.Write(w, new SuspectMessage(seq, Clean(target, "t"), Clean(source, "s")));
        MessageCodec.Write(w, new DeadMessage(seq, Clean(source, "s"), Clean(target, "t")));
        var r = new WireReader(w.WrittenSpan);
        return MessageCodec.TryReadFrame(ref r, out var t1, out var p1) && t1 == MessageType.Ping && MessageCodec.TryRead(p1, out PingMessage ping2) && ping2 == ping
            && MessageCodec.TryReadFrame(ref r, out var t2, out var p2) && t2 == MessageType.IndirectPing && MessageCodec.TryRead(p2, out IndirectPingMessage ind2) && ind2 == ind
            && MessageCodec.TryReadFrame(ref r, out var t3, out var p3) && t3 == MessageType.Ack && MessageCodec.TryReadSeq(p3, out var s3) && s3 == seq
            && MessageCodec.TryReadFrame(ref r, out var t4, out var p4) && t4 == MessageType.Nack && MessageCodec.TryReadSeq(p4, out var s4) && s4 == seq
            && MessageCodec.TryReadFrame(ref r, out var t5, out var p5) && t5 == MessageType.Suspect && MessageCodec.TryRead(p5, out SuspectMessage su) && su.Incarnation == seq
            && MessageCodec.TryReadFrame(ref r, out var t6, out var p6) && t6 == MessageType.Dead && MessageCodec.TryRead(p6, out DeadMessage de) && de.From == Clean(target, "t")
            && r.End;
    }

    [Property]
    public bool Push_pull_round_trips(bool join, (string, uint, byte, byte[]?)[]? rows)
    {
        var entries = (rows ?? []).Take(50).Select((x, i) =>
            new PushPullEntry(Clean(x.Item1, "n") + i, "127.0.0.1:" + i, x.Item2, (MemberState)(x.Item3 % 4), (x.Item4 ?? []).Take(100).ToArray())).ToList();
        var w = new WireWriter(8);
        MessageCodec.WritePushPull(w, join, "me", entries);
        var (type, payload) = SingleFrame(w);
        if (type != MessageType.PushPull || !MessageCodec.TryReadPushPull(payload, out var j, out var sender, out var back))
        {
            return false;
        }

        return j == join && sender == "me" && back.Count == entries.Count && back.Zip(entries).All(p =>
            p.First.Name == p.Second.Name && p.First.Address == p.Second.Address && p.First.Incarnation == p.Second.Incarnation &&
            p.First.State == p.Second.State && p.First.Metadata.AsSpan().SequenceEqual(p.Second.Metadata));
    }

    [Property]
    public Property Envelope_round_trips(byte[]? body, string label, bool encrypted, bool deflate, byte repeat)
    {
        // Repeat the body so deflate sometimes wins and sometimes does not.
        body = [.. Enumerable.Repeat(body ?? [], 1 + repeat % 8).SelectMany(b => b)];
        var labelBytes = PacketEnvelope.LabelBytes(Clean(label, "").Length > 20 ? "long-label" : Clean(label, ""));
        var ring = encrypted ? new Keyring(new byte[32]) : null;
        var packet = PacketEnvelope.Seal(body, labelBytes, ring, deflate);
        var ok = PacketEnvelope.TryOpen(packet, labelBytes, ring, out var opened, out _);
        var plainSize = body.Length + PacketEnvelope.Overhead(labelBytes.Length, encrypted);
        return (ok && opened.Span.SequenceEqual(body) &&
                (deflate ? packet.Length <= plainSize : packet.Length == plainSize)).ToProperty();
    }

    [Fact]
    public void Deflated_state_is_smaller_and_a_bad_stream_is_dropped()
    {
        var body = Enumerable.Range(0, 4000).Select(i => (byte)(i % 7)).ToArray();
        var packet = PacketEnvelope.Seal(body, [], null, deflate: true);
        Assert.True(packet.Length < body.Length / 4);
        Assert.True(PacketEnvelope.TryOpen(packet, [], null, out var opened, out _));
        Assert.Equal(body, opened.ToArray());
        var bogus = PacketEnvelope.Seal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, [], null, PacketEnvelope.FlagDeflated);
        Assert.False(PacketEnvelope.TryOpen(bogus, [], null, out _, out var reason));
        Assert.Equal(DropReason.Malformed, reason);
    }

    [Fact]
    public void Envelope_rejects_by_reason()
    {
        var label = PacketEnvelope.LabelBytes("prod");
        var key = new Keyring(new byte[16]);
        var plain = PacketEnvelope.Seal([1, 2, 3], label, null);
        var sealedPacket = PacketEnvelope.Seal([1, 2, 3], label, key);
        Assert.False(PacketEnvelope.TryOpen(plain, label, key, out _, out var r1));
        Assert.Equal(DropReason.Unencrypted, r1);
        Assert.False(PacketEnvelope.TryOpen(sealedPacket, label, null, out _, out var r2));
        Assert.Equal(DropReason.UnexpectedEncryption, r2);
        Assert.False(PacketEnvelope.TryOpen(plain, PacketEnvelope.LabelBytes("test"), null, out _, out var r3));
        Assert.Equal(DropReason.LabelMismatch, r3);
        Assert.False(PacketEnvelope.TryOpen(sealedPacket, label, new Keyring(new byte[24]), out _, out var r4));
        Assert.Equal(DropReason.DecryptFailed, r4);
        var corrupt = (byte[])plain.Clone();
        corrupt[^1] ^= 0x40;
        Assert.False(PacketEnvelope.TryOpen(corrupt, label, null, out _, out var r5));
        Assert.Equal(DropReason.BadChecksum, r5);
        Assert.False(PacketEnvelope.TryOpen(new byte[] { 0x47, 9, 0 }, [], null, out _, out var r6));
        Assert.Equal(DropReason.UnsupportedVersion, r6);
        Assert.False(PacketEnvelope.TryOpen(new byte[] { 1, 2, 3, 4 }, [], null, out _, out var r7));
        Assert.Equal(DropReason.BadMagic, r7);
        Assert.False(PacketEnvelope.TryOpen(new byte[] { 0x47 }, [], null, out _, out var r8));
        Assert.Equal(DropReason.Truncated, r8);
    }
}
