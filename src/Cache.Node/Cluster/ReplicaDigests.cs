using System.Buffers.Binary;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The answering side of anti-entropy and hand-off, over one key space: the segment digests
/// (the tree's top level), the slot digests of chosen slots, and pages of entries of chosen
/// slots. The caller holds the key-space lock (<see cref="KeySpace.Enter"/>).
/// </summary>
internal static class ReplicaDigests
{
    /// <summary>Segments of the digest tree; 8 bytes each on the wire, 1 KB for all.</summary>
    public const int Segments = HashSlot.Count / KeySpace.SlotsPerSegment;

    /// <summary>Largest page of entries a peer may ask for.</summary>
    public const int MaxPageEntries = 4096;

    /// <summary>Largest page of leaves a peer may ask for.</summary>
    public const int MaxPageLeaves = 65536;

    /// <summary>Value bytes after which a page of PULL or FETCH ends (it still holds at least one entry).</summary>
    public const long MaxPageBytes = 16 * 1024 * 1024;

    /// <summary>Most keys one FETCH may name.</summary>
    public const int MaxFetchKeys = 4096;

    /// <summary>The digest of each segment over the slots <paramref name="mask"/> selects, little-endian.</summary>
    public static byte[] Tree(KeySpace keys, ReadOnlySpan<byte> mask)
    {
        var digests = new byte[Segments * sizeof(ulong)];
        for (var segment = 0; segment < Segments; segment++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(digests.AsSpan(segment * sizeof(ulong)), keys.SegmentDigest(segment, mask));
        }

        return digests;
    }

    /// <summary>The digest of each slot <paramref name="mask"/> selects, in slot order, little-endian.</summary>
    public static byte[] Digests(KeySpace keys, ReadOnlySpan<byte> mask)
    {
        var count = 0;
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            count += SlotBitmap.Contains(mask, slot) ? 1 : 0;
        }

        var digests = new byte[count * sizeof(ulong)];
        var at = 0;
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            if (SlotBitmap.Contains(mask, slot))
            {
                BinaryPrimitives.WriteUInt64LittleEndian(digests.AsSpan(at), keys.SlotDigest(slot));
                at += sizeof(ulong);
            }
        }

        return digests;
    }

    /// <summary>A page of at most <paramref name="count"/> entries of the slots <paramref name="slots"/> selects.</summary>
    public static ExportPage Export(KeySpace keys, long cursor, int count, byte[] slots)
    {
        var entries = new List<(byte[] Key, ReplicatedEntry Entry)>();
        var next = keys.ExportWhere(cursor, count, slot => SlotBitmap.Contains(slots, slot), entries, MaxPageBytes);
        return new ExportPage(next, entries);
    }

    /// <summary>A page of at most <paramref name="count"/> leaves of the slots <paramref name="slots"/> selects.</summary>
    public static LeafPage Leaves(KeySpace keys, long cursor, int count, byte[] slots)
    {
        var leaves = new List<(byte[] Key, ulong EntryHash)>();
        var next = keys.ExportLeaves(cursor, count, slot => SlotBitmap.Contains(slots, slot), leaves);
        return new LeafPage(next, leaves);
    }

    /// <summary>
    /// The entries (tombstones included) this node holds of <paramref name="names"/>, in order,
    /// stopping after the entry that brings the values to <see cref="MaxPageBytes"/>; how many
    /// names were answered (the asker sends the rest again).
    /// </summary>
    public static (int Answered, List<(byte[] Key, ReplicatedEntry Entry)> Entries) Fetch(KeySpace keys, IReadOnlyList<byte[]> names)
    {
        var entries = new List<(byte[] Key, ReplicatedEntry Entry)>();
        long bytes = 0;
        var answered = 0;
        while (answered < names.Count && bytes < MaxPageBytes)
        {
            var key = names[answered++];
            if (keys.Export(key) is { } entry)
            {
                entries.Add((key, entry));
                bytes += key.Length + entry.Value.Length;
            }
        }

        return (answered, entries);
    }
}
