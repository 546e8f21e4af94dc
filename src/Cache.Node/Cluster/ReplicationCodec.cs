using System.Globalization;
using System.Text;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// A replicated entry as RESP arguments, six per entry: key, clock, node, kind, expires-at (ms),
/// value. Used by GOSSIPCACHE APPLY (primary → replica), HANDOFF, PULL, FETCH and ENTRY; replies
/// are read back by <see cref="ReplicatedEntryReader"/>.
/// </summary>
internal static class ReplicationCodec
{
    public const int ArgsPerEntry = 6;

    public static void Append(List<ReadOnlyMemory<byte>> args, byte[] key, in ReplicatedEntry entry)
    {
        args.Add(key);
        args.Add(Number(entry.Version.Clock));
        args.Add(Number(entry.Version.Node));
        args.Add(Number((long)entry.Kind));
        args.Add(Number(entry.ExpiresAt));
        args.Add(entry.Value);
    }

    /// <summary>Reads the entry whose arguments start at <paramref name="at"/>; false when malformed.</summary>
    public static bool TryRead(in RespRequest request, int at, out ReplicatedEntry entry)
    {
        entry = default;
        if (!RespNumbers.TryParseInt64(request[at + 1], out var clock)
            || !RespNumbers.TryParseInt64(request[at + 2], out var node) || node is < 0 or > ushort.MaxValue
            || !RespNumbers.TryParseInt64(request[at + 3], out var kind) || !ValueKinds.IsWireKind(kind)
            || !RespNumbers.TryParseInt64(request[at + 4], out var expiresAt) || expiresAt < 0)
        {
            return false;
        }

        entry = new ReplicatedEntry(new EntryVersion(clock, (ushort)node), (ValueKind)kind, expiresAt, request[at + 5].ToArray());
        return true;
    }

    /// <summary>A number as the decimal ASCII bytes of a RESP argument.</summary>
    public static byte[] Number(long value) => Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture));
}
