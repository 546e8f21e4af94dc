using System.Buffers.Binary;
using System.Buffers.Text;

namespace Cache.Node.Cluster;

/// <summary>
/// Reads a GOSSIPCACHE LEAVES reply straight from its bytes — [cursor, [key, hash, key, hash,
/// …]] — without a reply object per element: a repair lists many thousands of leaves.
/// </summary>
internal static class LeafReply
{
    /// <summary>The page in <paramref name="frame"/>; null when it is not a well-formed LEAVES reply.</summary>
    public static LeafPage? Parse(ReadOnlySpan<byte> frame)
    {
        var at = 0;
        if (!Header(frame, ref at, (byte)'*', out var outer) || outer != 2
            || !Bulk(frame, ref at, out var cursorBytes) || !Utf8Parser.TryParse(cursorBytes, out long next, out var used) || used != cursorBytes.Length
            || !Header(frame, ref at, (byte)'*', out var items) || items % 2 != 0)
        {
            return null;
        }

        var leaves = new List<(byte[] Key, ulong EntryHash)>((int)Math.Min(items / 2, 65536));
        for (long i = 0; i < items; i += 2)
        {
            if (!Bulk(frame, ref at, out var key) || !Bulk(frame, ref at, out var hash) || hash.Length != sizeof(ulong))
            {
                return null;
            }

            leaves.Add((key.ToArray(), BinaryPrimitives.ReadUInt64LittleEndian(hash)));
        }

        return at == frame.Length ? new LeafPage(next, leaves) : null;
    }

    private static bool Header(ReadOnlySpan<byte> frame, ref int at, byte type, out long value)
    {
        value = 0;
        if (at >= frame.Length || frame[at] != type)
        {
            return false;
        }

        var end = frame[at..].IndexOf("\r\n"u8);
        if (end < 0 || !Utf8Parser.TryParse(frame.Slice(at + 1, end - 1), out value, out var used) || used != end - 1 || value < 0)
        {
            return false;
        }

        at += end + 2;
        return true;
    }

    private static bool Bulk(ReadOnlySpan<byte> frame, ref int at, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!Header(frame, ref at, (byte)'$', out var length) || length > frame.Length - at - 2 || frame[at + (int)length] != '\r' || frame[at + (int)length + 1] != '\n')
        {
            return false;
        }

        bytes = frame.Slice(at, (int)length);
        at += (int)length + 2;
        return true;
    }
}
