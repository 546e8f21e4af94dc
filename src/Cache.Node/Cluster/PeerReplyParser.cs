using System.Buffers.Binary;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// Peers' replies to LEAVES, PULL, FETCH and ENTRY, read from their bytes (<see cref="RawReplyReader"/>):
/// a page holds thousands of bulks, not worth a reply object each.
/// </summary>
internal static class PeerReplyParser
{
    /// <summary>A LEAVES page, [cursor, [key, 8-byte hash, …]]; null when malformed.</summary>
    public static LeafPage? ParseLeaves(ReadOnlySpan<byte> frame)
    {
        var reader = new RawReplyReader(frame);
        if (!reader.TryPageHeader(out var next, out var items) || items % 2 != 0)
        {
            return null;
        }

        var leaves = new List<(byte[] Key, ulong EntryHash)>((int)Math.Min(items / 2, 65536));
        for (long i = 0; i < items; i += 2)
        {
            if (!reader.TryBulk(out var key) || !reader.TryBulk(out var hash) || hash.Length != sizeof(ulong))
            {
                return null;
            }

            leaves.Add((key.ToArray(), BinaryPrimitives.ReadUInt64LittleEndian(hash)));
        }

        return reader.AtEnd ? new LeafPage(next, leaves) : null;
    }

    /// <summary>A PULL or FETCH page, [cursor or names answered, [six bulks per entry, …]]; null when malformed.</summary>
    public static (long Number, List<(byte[] Key, ReplicatedEntry Entry)> Entries)? ParseEntries(ReadOnlySpan<byte> frame)
    {
        var reader = new RawReplyReader(frame);
        if (!reader.TryPageHeader(out var number, out var items) || items % ReplicationCodec.ArgsPerEntry != 0)
        {
            return null;
        }

        var entries = new List<(byte[] Key, ReplicatedEntry Entry)>((int)Math.Min(items / ReplicationCodec.ArgsPerEntry, 4096));
        for (long i = 0; i < items; i += ReplicationCodec.ArgsPerEntry)
        {
            if (!reader.TryEntry(out var key, out var entry))
            {
                return null;
            }

            entries.Add((key, entry));
        }

        return reader.AtEnd ? (number, entries) : null;
    }

    /// <summary>An ENTRY reply: the key's entry, or null when the peer holds none (or sent something malformed).</summary>
    public static ReplicatedEntry? ParseEntry(ReadOnlySpan<byte> frame)
    {
        var reader = new RawReplyReader(frame);
        return reader.TryArrayHeader(out var items) && items == ReplicationCodec.ArgsPerEntry && reader.TryEntry(out _, out var entry) && reader.AtEnd
            ? entry
            : null;
    }
}
