using System.Buffers;
using Cache.Node.Cluster;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Replication by change: a write to a large value travels as the command that made it, which a
/// replica holding exactly the base version re-runs with the primary's version forced, ending
/// with the primary's value, version and expiry. Only commands whose effect on their one key is
/// a function of the key's value and the arguments qualify; anything random, time-dependent
/// beyond the expiry (which the delta carries as an absolute time), multi-key, blocking or
/// queued in EXEC is sent whole.
/// </summary>
internal static class DeltaReplication
{
    /// <summary>Below this size (MEMORY USAGE's count) a value is sent whole: cheaper than a delta and a possible second trip.</summary>
    public const long MinValueBytes = 4096;

    // A key about to expire here may expire while the command runs (and the command would then
    // rebuild it from nothing at the forced version): take the full value instead.
    private const long ExpiryMarginMs = 1000;

    /// <summary>True for a command whose effect on its one key a replica can reproduce by running it again.</summary>
    public static bool Replicates(CommandDefinition command) => command.Id is
        CommandId.Lpush or CommandId.Rpush or CommandId.Lpushx or CommandId.Rpushx or CommandId.Lpop or CommandId.Rpop
        or CommandId.Lset or CommandId.Linsert or CommandId.Lrem or CommandId.Ltrim
        or CommandId.Sadd or CommandId.Srem
        or CommandId.Zadd or CommandId.Zincrby or CommandId.Zrem or CommandId.Zremrangebyscore or CommandId.Zremrangebyrank
        or CommandId.Zremrangebylex or CommandId.Zpopmin or CommandId.Zpopmax
        or CommandId.Hset or CommandId.Hmset or CommandId.Hsetnx or CommandId.Hdel or CommandId.Hincrby or CommandId.Hincrbyfloat
        or CommandId.Expire or CommandId.Pexpire or CommandId.Expireat or CommandId.Pexpireat or CommandId.Persist;

    /// <summary>
    /// The delta of a top-level command that changed <paramref name="touched"/> (as captured), or
    /// null when the keys go whole: not a qualifying command, more than one key, no base version,
    /// or a value too small for a delta to pay (below <paramref name="minValueBytes"/>, or not twice
    /// the command's size; 0 sends every qualifying write as a delta, as the simulation does).
    /// </summary>
    public static ReplicatedDelta? Of(CommandDefinition command, in RespRequest request, KeySpace keys, List<byte[]> touched, long minValueBytes = MinValueBytes) =>
        Of(command, request, keys, touched, ReadOnlySpan<byte>.Empty, minValueBytes);

    /// <summary>
    /// As the other overload; <paramref name="reply"/> is the command's reply, from which SPOP (random)
    /// is rewritten as the SREM of the members it popped, which a replica can re-run.
    /// </summary>
    public static ReplicatedDelta? Of(CommandDefinition command, in RespRequest request, KeySpace keys, List<byte[]> touched, ReadOnlySpan<byte> reply,
        long minValueBytes = MinValueBytes)
    {
        if (command.Id == CommandId.Spop)
        {
            return touched.Count > 0 && PoppedMembers(reply) is { Count: > 0 } popped
                ? Build(command, request, keys, touched, ["SREM"u8.ToArray(), touched[0], .. popped], minValueBytes)
                : null;
        }

        return Replicates(command) ? Build(command, request, keys, touched, null, minValueBytes) : null;
    }

    private static ReplicatedDelta? Build(CommandDefinition command, in RespRequest request, KeySpace keys, List<byte[]> touched, byte[][]? rewritten, long minValueBytes)
    {
        if (touched.Count == 0 || command.FirstKey <= 0 || command.FirstKey >= request.Count)
        {
            return null;
        }

        var key = touched[0];
        var bases = keys.CapturedBases;
        foreach (var other in touched)
        {
            if (!other.AsSpan().SequenceEqual(key))
            {
                return null;
            }
        }

        var before = bases[0];
        if (before == EntryVersion.None || !request[command.FirstKey].SequenceEqual(key)
            || !keys.TryPeek(key, out var after, out var bytes) || after.Version == before || bytes < minValueBytes)
        {
            return null;
        }

        var encoded = rewritten is null
            ? ReplicationDeltaCodec.EncodeCommand(request)
            : ReplicationDeltaCodec.EncodeCommand(QueuedRequest.From([.. rewritten.Select(a => (ReadOnlyMemory<byte>)a)]).AsRequest());
        if (minValueBytes > 0 && encoded.Length * 2 > bytes)
        {
            return null;   // the command is about as big as the value: the value is the safer message
        }

        return new ReplicatedDelta(before, after.Version, after.Kind, after.ExpiresAt, encoded);
    }

    // The members in SPOP's reply: one bulk, or an array (a RESP3 set) of bulks; null if anything else.
    private static List<byte[]>? PoppedMembers(ReadOnlySpan<byte> reply)
    {
        var members = new List<byte[]>();
        var at = 0;
        var count = 1L;
        if (reply.Length > 0 && reply[0] is (byte)'*' or (byte)'~')
        {
            if (!TryReadLine(reply, ref at, out count))
            {
                return null;
            }
        }

        for (var i = 0L; i < count; i++)
        {
            if (at >= reply.Length || reply[at] != (byte)'$' || !TryReadLine(reply, ref at, out var length) || length < 0 || at + length + 2 > reply.Length)
            {
                return null;
            }

            members.Add(reply.Slice(at, (int)length).ToArray());
            at += (int)length + 2;
        }

        return at == reply.Length ? members : null;
    }

    // A type byte, a decimal number and CRLF, from at.
    private static bool TryReadLine(ReadOnlySpan<byte> reply, ref int at, out long number)
    {
        number = 0;
        var end = reply[at..].IndexOf("\r\n"u8);
        if (end < 2 || !RespNumbers.TryParseInt64(reply.Slice(at + 1, end - 1), out number))
        {
            return false;
        }

        at += end + 2;
        return true;
    }

    /// <summary>
    /// Applies a primary's delta to <paramref name="key"/> on this replica: true when it held the
    /// base version and now holds the primary's, or already held a version at least the delta's
    /// (a repair overtook it: a full entry of the delta's version would lose the merge too).
    /// False, changing nothing, when it holds anything else (the primary then sends the full
    /// value); if running the command went wrong, this copy is dropped so the full value lands.
    /// </summary>
    public static bool TryApply(ClientSession client, ReadOnlySpan<byte> key, in ReplicatedDelta delta)
    {
        var keys = client.Keys;
        if (keys.VersionOf(key) >= delta.Version)
        {
            return true;
        }

        if (!keys.TryPeek(key, out var current, out _) || current.Version != delta.Base || current.Kind != delta.Kind
            || (current.ExpiresAt != 0 && current.ExpiresAt - keys.NowMs < ExpiryMarginMs)
            || !ReplicationDeltaCodec.TryDecodeCommand(delta.Command.Span, out var ranges))
        {
            return false;
        }

        var request = new RespRequest(delta.Command.Span, ranges);
        var command = client.Server.Commands.Find(request[0]);
        if (command is null || !Replicates(command) || !command.AcceptsArgumentCount(request.Count)
            || command.FirstKey >= request.Count || !request[command.FirstKey].SequenceEqual(key))
        {
            return false;
        }

        keys.BeginForcedMerge(delta.Version);
        try
        {
            using (client.Replies.Redirect(new ArrayBufferWriter<byte>()))
            {
                command.Handler!(client, request);
            }

            keys.SetExpiryOf(key, delta.ExpiresAt);
        }
        finally
        {
            keys.EndForcedMerge();
        }

        if (keys.TryPeek(key, out var after, out _) && after.Version == delta.Version && after.Kind == delta.Kind && after.ExpiresAt == delta.ExpiresAt)
        {
            return true;
        }

        if (!keys.TryPeek(key, out after, out _) || after.Version != delta.Base)
        {
            keys.Forget(key);
        }

        return false;
    }
}
