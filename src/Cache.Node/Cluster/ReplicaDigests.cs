using System.Buffers.Binary;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The answering side of anti-entropy and hand-off, over one key space: the segment digests
/// (the tree's top level), the slot digests of chosen slots, and pages of entries of chosen
/// slots. The caller holds <see cref="KeySpace.Gate"/>.
/// </summary>
internal static class ReplicaDigests
{
    /// <summary>Segments of the digest tree; 8 bytes each on the wire, 1 KB for all.</summary>
    public const int Segments = HashSlot.Count / KeySpace.SlotsPerSegment;

    /// <summary>Largest page of entries a peer may ask for.</summary>
    public const int MaxPageEntries = 4096;

    /// <summary>Largest page of leaves a peer may ask for (16 bytes each).</summary>
    public const int MaxPageLeaves = 65536;

    /// <summary>Most key hashes one FETCH may carry (8 bytes each).</summary>
    public const int MaxFetchHashes = 131072;

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
        var next = keys.ExportWhere((int)cursor, count, slot => SlotBitmap.Contains(slots, slot), entries);
        return new ExportPage(next, entries);
    }

    /// <summary>A page of at most <paramref name="count"/> leaves of the slots <paramref name="slots"/> selects.</summary>
    public static LeafPage Leaves(KeySpace keys, long cursor, int count, byte[] slots)
    {
        var leaves = new List<(ulong KeyHash, ulong EntryHash)>();
        var next = keys.ExportLeaves((int)cursor, count, slot => SlotBitmap.Contains(slots, slot), leaves);
        return new LeafPage(next, leaves);
    }

    /// <summary>A page of at most <paramref name="count"/> entries of <paramref name="slots"/> whose key hashes are in <paramref name="keyHashes"/>.</summary>
    public static ExportPage Fetch(KeySpace keys, long cursor, int count, byte[] slots, IReadOnlySet<ulong> keyHashes)
    {
        var entries = new List<(byte[] Key, ReplicatedEntry Entry)>();
        var next = keys.ExportWhere((int)cursor, count, slot => SlotBitmap.Contains(slots, slot), entries, keyHashes);
        return new ExportPage(next, entries);
    }

    /// <summary>Leaves as bytes: 16 per leaf, key hash then entry hash, little-endian.</summary>
    public static byte[] Encode(List<(ulong KeyHash, ulong EntryHash)> leaves)
    {
        var bytes = new byte[leaves.Count * 16];
        for (var i = 0; i < leaves.Count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 16), leaves[i].KeyHash);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((i * 16) + 8), leaves[i].EntryHash);
        }

        return bytes;
    }

    /// <summary>The leaves <see cref="Encode"/> wrote; null when the length is not a multiple of 16.</summary>
    public static List<(ulong KeyHash, ulong EntryHash)>? DecodeLeaves(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 16 != 0)
        {
            return null;
        }

        var leaves = new List<(ulong, ulong)>(bytes.Length / 16);
        for (var at = 0; at < bytes.Length; at += 16)
        {
            leaves.Add((BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]), BinaryPrimitives.ReadUInt64LittleEndian(bytes[(at + 8)..])));
        }

        return leaves;
    }

    /// <summary>Key hashes as bytes, 8 each, little-endian.</summary>
    public static byte[] EncodeHashes(IReadOnlyCollection<ulong> hashes)
    {
        var bytes = new byte[hashes.Count * sizeof(ulong)];
        var at = 0;
        foreach (var hash in hashes)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), hash);
            at += sizeof(ulong);
        }

        return bytes;
    }

    /// <summary>The key hashes <see cref="EncodeHashes"/> wrote; null when the length is not a multiple of 8.</summary>
    public static HashSet<ulong>? DecodeHashes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(ulong) != 0)
        {
            return null;
        }

        var hashes = new HashSet<ulong>(bytes.Length / sizeof(ulong));
        for (var at = 0; at < bytes.Length; at += sizeof(ulong))
        {
            hashes.Add(BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]));
        }

        return hashes;
    }

    /// <summary>Merges <paramref name="entries"/>; how many replaced what was here.</summary>
    public static int Apply(KeySpace keys, IReadOnlyList<(byte[] Key, ReplicatedEntry Entry)> entries)
    {
        var applied = 0;
        foreach (var (key, entry) in entries)
        {
            applied += keys.Apply(key, entry) ? 1 : 0;
        }

        return applied;
    }
}
