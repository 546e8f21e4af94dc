namespace Cache.Gossip.Wire;

/// <summary>Encodes and decodes the messages of a packet body. Decoders return false on malformed input.</summary>
internal static class MessageCodec
{
    public const int MaxMetadata = 1024;

    /// <summary>Protocol maximum of members in one state exchange.</summary>
    public const int MaxPushPullEntries = 1 << 20;

    // name (length byte and at least one byte), address length, incarnation, state, metadata length.
    private const int MinEntryBytes = 6;

    public static void Write(WireWriter w, in PingMessage m)
    {
        var s = w.BeginMessage(MessageType.Ping);
        w.WriteVarUInt(m.Seq);
        w.WriteString(m.Target);
        w.WriteString(m.SourceName);
        w.WriteString(m.SourceAddress);
        w.EndMessage(s);
    }

    public static void Write(WireWriter w, in IndirectPingMessage m)
    {
        var s = w.BeginMessage(MessageType.IndirectPing);
        w.WriteVarUInt(m.Seq);
        w.WriteString(m.Target);
        w.WriteString(m.TargetAddress);
        w.WriteByte(m.WantNack ? (byte)1 : (byte)0);
        w.WriteString(m.SourceName);
        w.WriteString(m.SourceAddress);
        w.EndMessage(s);
    }

    public static void Write(WireWriter w, in AckMessage m)
    {
        var s = w.BeginMessage(MessageType.Ack);
        w.WriteVarUInt(m.Seq);
        w.EndMessage(s);
    }

    public static void Write(WireWriter w, in NackMessage m)
    {
        var s = w.BeginMessage(MessageType.Nack);
        w.WriteVarUInt(m.Seq);
        w.EndMessage(s);
    }

    public static void Write(WireWriter w, in AliveMessage m)
    {
        var s = w.BeginMessage(MessageType.Alive);
        w.WriteVarUInt(m.Incarnation);
        w.WriteString(m.Name);
        w.WriteString(m.Address);
        w.WriteBlob(m.Metadata);
        w.EndMessage(s);
    }

    public static void Write(WireWriter w, in SuspectMessage m)
    {
        var s = w.BeginMessage(MessageType.Suspect);
        w.WriteVarUInt(m.Incarnation);
        w.WriteString(m.Name);
        w.WriteString(m.From);
        w.EndMessage(s);
    }

    public static void Write(WireWriter w, in DeadMessage m)
    {
        var s = w.BeginMessage(MessageType.Dead);
        w.WriteVarUInt(m.Incarnation);
        w.WriteString(m.Name);
        w.WriteString(m.From);
        w.EndMessage(s);
    }

    public static void WritePushPull(WireWriter w, bool join, string sender, IReadOnlyCollection<PushPullEntry> entries)
    {
        var s = w.BeginMessage(MessageType.PushPull);
        w.WriteByte(join ? (byte)1 : (byte)0);
        w.WriteString(sender);
        w.WriteVarUInt((ulong)entries.Count);
        foreach (var e in entries)
        {
            w.WriteString(e.Name);
            w.WriteString(e.Address);
            w.WriteVarUInt(e.Incarnation);
            w.WriteByte((byte)e.State);
            w.WriteBlob(e.Metadata);
        }

        w.EndMessage(s);
    }

    /// <summary>Reads the next (type, payload) of a body.</summary>
    public static bool TryReadFrame(ref WireReader r, out MessageType type, out ReadOnlySpan<byte> payload)
    {
        payload = default;
        type = 0;
        if (!r.TryReadByte(out var t) || !r.TryReadVarUInt(out var len) || len > int.MaxValue)
        {
            return false;
        }

        type = (MessageType)t;
        return r.TryReadSpan((int)len, out payload);
    }

    public static bool TryRead(ReadOnlySpan<byte> p, out PingMessage m)
    {
        var r = new WireReader(p);
        m = default;
        if (!r.TryReadVarUInt32(out var seq) || !r.TryReadString(out var target) ||
            !r.TryReadString(out var name) || !r.TryReadString(out var addr))
        {
            return false;
        }

        m = new PingMessage(seq, target, name, addr);
        return true;
    }

    public static bool TryRead(ReadOnlySpan<byte> p, out IndirectPingMessage m)
    {
        var r = new WireReader(p);
        m = default;
        if (!r.TryReadVarUInt32(out var seq) || !r.TryReadString(out var target) || !r.TryReadString(out var targetAddr) ||
            !r.TryReadByte(out var nack) || nack > 1 || !r.TryReadString(out var name) || !r.TryReadString(out var addr))
        {
            return false;
        }

        m = new IndirectPingMessage(seq, target, targetAddr, nack == 1, name, addr);
        return true;
    }

    public static bool TryReadSeq(ReadOnlySpan<byte> p, out uint seq)
    {
        var r = new WireReader(p);
        return r.TryReadVarUInt32(out seq);
    }

    public static bool TryRead(ReadOnlySpan<byte> p, out AliveMessage m)
    {
        var r = new WireReader(p);
        m = default;
        if (!r.TryReadVarUInt32(out var inc) || !r.TryReadString(out var name) || !r.TryReadString(out var addr) ||
            !r.TryReadBlob(MaxMetadata, out var meta) || name.Length == 0)
        {
            return false;
        }

        m = new AliveMessage(inc, name, addr, meta.ToArray());
        return true;
    }

    public static bool TryRead(ReadOnlySpan<byte> p, out SuspectMessage m)
    {
        var r = new WireReader(p);
        m = default;
        if (!r.TryReadVarUInt32(out var inc) || !r.TryReadString(out var name) || !r.TryReadString(out var from) || name.Length == 0)
        {
            return false;
        }

        m = new SuspectMessage(inc, name, from);
        return true;
    }

    public static bool TryRead(ReadOnlySpan<byte> p, out DeadMessage m)
    {
        var r = new WireReader(p);
        m = default;
        if (!r.TryReadVarUInt32(out var inc) || !r.TryReadString(out var name) || !r.TryReadString(out var from) || name.Length == 0)
        {
            return false;
        }

        m = new DeadMessage(inc, name, from);
        return true;
    }

    public static bool TryReadPushPull(ReadOnlySpan<byte> p, out bool join, out string sender, out List<PushPullEntry> entries)
    {
        var r = new WireReader(p);
        join = false;
        sender = "";
        entries = [];
        // Each entry takes at least MinEntryBytes, so a count the remaining bytes cannot hold is refused
        // before anything is sized from it; the list then grows only as entries actually decode.
        if (!r.TryReadByte(out var j) || j > 1 || !r.TryReadString(out sender) ||
            !r.TryReadVarUInt(out var count) || count > MaxPushPullEntries || count > (ulong)(r.Remaining / MinEntryBytes))
        {
            return false;
        }

        join = j == 1;
        entries.Capacity = (int)Math.Min(count, 256);
        for (ulong i = 0; i < count; i++)
        {
            if (!r.TryReadString(out var name) || !r.TryReadString(out var addr) || !r.TryReadVarUInt32(out var inc) ||
                !r.TryReadByte(out var state) || state > (byte)MemberState.Left || !r.TryReadBlob(MaxMetadata, out var meta) ||
                name.Length == 0)
            {
                return false;
            }

            entries.Add(new PushPullEntry(name, addr, inc, (MemberState)state, meta.ToArray()));
        }

        return r.End;
    }
}
