using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// A delta (<see cref="ReplicatedDelta"/>) as the six arguments of a replicated entry: key, new
/// clock, new node, the kind <see cref="DeltaKind"/> (no value type has it, so every other reader
/// of entries refuses it), expires-at, and a payload: base clock, base node and value kind as
/// varints, then the command's argument count and each argument, length-prefixed.
/// </summary>
internal static class ReplicationDeltaCodec
{
    /// <summary>The kind number that marks a delta among replicated entries.</summary>
    public const long DeltaKind = 64;

    /// <summary>More arguments than this in one delta is refused as malformed (a command of a million arguments is still sent whole).</summary>
    public const int MaxArguments = 1 << 20;

    /// <summary>The kind field of a delta, as sent.</summary>
    public static ReadOnlySpan<byte> DeltaKindBytes => "64"u8;

    private static readonly byte[] DeltaKindArgument = ReplicationCodec.Number(DeltaKind);

    /// <summary>The command's arguments (its name first) in the payload's form.</summary>
    public static byte[] EncodeCommand(in RespRequest request)
    {
        var size = VarintSize((ulong)request.Count);
        for (var i = 0; i < request.Count; i++)
        {
            size += VarintSize((ulong)request[i].Length) + request[i].Length;
        }

        var bytes = new byte[size];
        var at = WriteVarint(bytes, 0, (ulong)request.Count);
        for (var i = 0; i < request.Count; i++)
        {
            at = WriteVarint(bytes, at, (ulong)request[i].Length);
            request[i].CopyTo(bytes.AsSpan(at));
            at += request[i].Length;
        }

        return bytes;
    }

    /// <summary>Where each argument of an encoded command lies in it; false when malformed.</summary>
    public static bool TryDecodeCommand(ReadOnlySpan<byte> command, out ArgRange[] args)
    {
        args = [];
        var at = 0;
        if (!TryReadVarint(command, ref at, out var count) || count == 0 || count > MaxArguments || count > (ulong)command.Length)
        {
            return false;
        }

        var ranges = new ArgRange[(int)count];
        for (var i = 0; i < ranges.Length; i++)
        {
            if (!TryReadVarint(command, ref at, out var length) || length > (ulong)(command.Length - at))
            {
                return false;
            }

            ranges[i] = new ArgRange(at, (int)length);
            at += (int)length;
        }

        if (at != command.Length)
        {
            return false;
        }

        args = ranges;
        return true;
    }

    public static void Append(List<ReadOnlyMemory<byte>> args, byte[] key, in ReplicatedDelta delta)
    {
        var header = new byte[(3 * 10) + delta.Command.Length];
        var at = WriteVarint(header, 0, (ulong)delta.Base.Clock);
        at = WriteVarint(header, at, delta.Base.Node);
        at = WriteVarint(header, at, (ulong)delta.Kind);
        delta.Command.Span.CopyTo(header.AsSpan(at));
        at += delta.Command.Length;
        args.Add(key);
        args.Add(ReplicationCodec.Number(delta.Version.Clock));
        args.Add(ReplicationCodec.Number(delta.Version.Node));
        args.Add(DeltaKindArgument);
        args.Add(ReplicationCodec.Number(delta.ExpiresAt));
        args.Add(header.AsMemory(0, at));
    }

    /// <summary>True when the entry whose arguments start at <paramref name="at"/> is a delta.</summary>
    public static bool IsDelta(in RespRequest request, int at) => request[at + 3].SequenceEqual(DeltaKindBytes);

    /// <summary>Reads the delta whose arguments start at <paramref name="at"/>; false when malformed.</summary>
    public static bool TryRead(in RespRequest request, int at, out ReplicatedDelta delta)
    {
        delta = default;
        var payload = request[at + 5];
        var offset = 0;
        if (!RespNumbers.TryParseInt64(request[at + 1], out var clock) || clock < 0
            || !RespNumbers.TryParseInt64(request[at + 2], out var node) || node is < 0 or > ushort.MaxValue
            || !IsDelta(request, at)
            || !RespNumbers.TryParseInt64(request[at + 4], out var expiresAt) || expiresAt < 0
            || !TryReadVarint(payload, ref offset, out var baseClock) || baseClock > long.MaxValue
            || !TryReadVarint(payload, ref offset, out var baseNode) || baseNode > ushort.MaxValue
            || !TryReadVarint(payload, ref offset, out var kind) || !ValueKinds.IsWireKind((long)kind) || kind == (ulong)ValueKind.Tombstone
            || !TryDecodeCommand(payload[offset..], out _))
        {
            return false;
        }

        delta = new ReplicatedDelta(new EntryVersion((long)baseClock, (ushort)baseNode), new EntryVersion(clock, (ushort)node), (ValueKind)kind, expiresAt,
            payload[offset..].ToArray());
        return true;
    }

    private static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteVarint(Span<byte> output, int at, ulong value)
    {
        while (value >= 0x80)
        {
            output[at++] = (byte)(value | 0x80);
            value >>= 7;
        }

        output[at++] = (byte)value;
        return at;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> input, ref int at, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (at >= input.Length)
            {
                return false;
            }

            var b = input[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
