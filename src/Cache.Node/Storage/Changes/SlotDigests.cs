using System.Buffers.Binary;
using Cache.Gossip.Ring;
using K4os.Hash.xxHash;

namespace Cache.Node.Storage;

/// <summary>
/// A digest per hash slot of every entry's (key, version) — live keys and tombstones — kept
/// current on each change, never rebuilt by scanning: a version change XORs the old contribution
/// out and the new one in (as Riak's TicTac trees do), so two replicas holding the same writes
/// of a slot hold the same digest, whatever order the writes came in. Every change of value,
/// type or expiry takes a new version, so the version stands for the whole entry. The base for
/// anti-entropy: replicas compare digests and exchange only the slots that differ.
/// </summary>
internal sealed class SlotDigests
{
    /// <summary>Hash slots per segment of the digest tree: 128 segments of 128 slots.</summary>
    public const int SlotsPerSegment = 128;

    private readonly ulong[] _digests = new ulong[HashSlot.Count];

    /// <summary>The digest of hash slot <paramref name="slot"/>'s entries (0 when it holds none).</summary>
    public ulong Of(int slot) => _digests[slot];

    /// <summary>
    /// The XOR of the digests of the hash slots of <paramref name="segment"/> that
    /// <paramref name="mask"/> (a 16384-bit slot bitmap) selects.
    /// </summary>
    public ulong OfSegment(int segment, ReadOnlySpan<byte> mask)
    {
        ulong digest = 0;
        for (var slot = segment * SlotsPerSegment; slot < (segment + 1) * SlotsPerSegment; slot++)
        {
            if (SlotBitmap.Contains(mask, slot))
            {
                digest ^= _digests[slot];
            }
        }

        return digest;
    }

    public void OnEntryChanged(in EntryChange change)
    {
        if (change.Before == change.After)
        {
            if (change.Kind == EntryChangeKind.Flushed)
            {
                Array.Clear(_digests);
            }

            return;
        }

        var slot = HashSlot.ForKey(change.Key);
        var keyHash = XXH64.DigestOf(change.Key);
        if (change.Before.Clock != 0)
        {
            _digests[slot] ^= Contribution(keyHash, change.Before);
        }

        if (change.After.Clock != 0)
        {
            _digests[slot] ^= Contribution(keyHash, change.After);
        }
    }

    /// <summary>An entry's contribution to its slot's digest: a leaf of the digest tree.</summary>
    public static ulong Leaf(ReadOnlySpan<byte> key, EntryVersion version) => Contribution(XXH64.DigestOf(key), version);

    /// <summary>Every slot's digest computed from scratch by walking the table (tests check the incremental ones against it).</summary>
    public static ulong[] Recompute(EntryTable table)
    {
        var digests = new ulong[HashSlot.Count];
        for (var i = 0; i < table.EntryLimit; i++)
        {
            if (table.IsOccupied(i) && table.EntryAt(i).Version != 0)
            {
                var key = table.KeyAt(i);
                ref var entry = ref table.EntryAt(i);
                digests[HashSlot.ForKey(key)] ^= Leaf(key, new EntryVersion(entry.Version, entry.Node));
            }
        }

        return digests;
    }

    private static ulong Contribution(ulong keyHash, EntryVersion version)
    {
        Span<byte> mixed = stackalloc byte[18];
        BinaryPrimitives.WriteUInt64LittleEndian(mixed, keyHash);
        BinaryPrimitives.WriteInt64LittleEndian(mixed[8..], version.Clock);
        BinaryPrimitives.WriteUInt16LittleEndian(mixed[16..], version.Node);
        return XXH64.DigestOf(mixed);
    }
}
