using System.Buffers.Binary;
using Cache.Gossip.Ring;
using K4os.Hash.xxHash;

namespace Cache.Node.Storage;

/// <summary>
/// A digest per hash slot of every entry's (key, version) — live keys and tombstones — kept
/// current on each write, never rebuilt by scanning: a version change XORs the old contribution
/// out and the new one in (as Riak's TicTac trees do), so two replicas holding the same writes
/// of a slot hold the same digest, whatever order the writes came in. Every change of value,
/// type or expiry takes a new version, so the version stands for the whole entry. The base for
/// anti-entropy: replicas compare digests and exchange only the slots that differ.
/// </summary>
internal sealed partial class KeySpace
{
    private readonly ulong[] _slotDigests = new ulong[HashSlot.Count];

    /// <summary>The digest of <paramref name="slot"/>'s entries (0 when it holds none).</summary>
    public ulong SlotDigest(int slot) => _slotDigests[slot];

    /// <summary>Slots per segment of the digest tree: 128 segments of 128 slots.</summary>
    public const int SlotsPerSegment = 128;

    /// <summary>
    /// The XOR of the digests of the slots of <paramref name="segment"/> that <paramref name="mask"/>
    /// (a 16384-bit slot bitmap) selects: two replicas compare the slots they share, segment by segment.
    /// </summary>
    public ulong SegmentDigest(int segment, ReadOnlySpan<byte> mask)
    {
        ulong digest = 0;
        for (var slot = segment * SlotsPerSegment; slot < (segment + 1) * SlotsPerSegment; slot++)
        {
            if (SlotBitmap.Contains(mask, slot))
            {
                digest ^= _slotDigests[slot];
            }
        }

        return digest;
    }

    /// <summary>Every slot's digest computed from scratch by walking the table (tests check the incremental ones against it).</summary>
    public ulong[] RecomputeSlotDigests()
    {
        var digests = new ulong[HashSlot.Count];
        for (var i = 0; i < _table.SlotLimit; i++)
        {
            if (_table.IsOccupied(i) && _table.SlotAt(i).Version != 0)
            {
                var key = _table.KeyAt(i);
                ref var entry = ref _table.SlotAt(i);
                digests[HashSlot.ForKey(key)] ^= Contribution(XXH64.DigestOf(key), entry.Version, entry.Node);
            }
        }

        return digests;
    }

    /// <summary>Gives an entry a new version, moving its contribution to the slot digest.</summary>
    private void SetVersion(ref StoreEntry entry, long version, ushort node)
    {
        var key = _table.KeyOf(entry);
        var slot = HashSlot.ForKey(key);
        var keyHash = XXH64.DigestOf(key);
        if (entry.Version != 0)
        {
            _slotDigests[slot] ^= Contribution(keyHash, entry.Version, entry.Node);
        }

        entry.Version = version;
        entry.Node = node;
        _slotDigests[slot] ^= Contribution(keyHash, version, node);
    }

    /// <summary>Takes a departing entry's contribution out of its slot digest.</summary>
    private void DigestRemoved(ref StoreEntry entry)
    {
        if (entry.Version != 0)
        {
            var key = _table.KeyOf(entry);
            _slotDigests[HashSlot.ForKey(key)] ^= Contribution(XXH64.DigestOf(key), entry.Version, entry.Node);
        }
    }

    private static ulong Contribution(ulong keyHash, long version, ushort node)
    {
        Span<byte> mixed = stackalloc byte[18];
        BinaryPrimitives.WriteUInt64LittleEndian(mixed, keyHash);
        BinaryPrimitives.WriteInt64LittleEndian(mixed[8..], version);
        BinaryPrimitives.WriteUInt16LittleEndian(mixed[16..], node);
        return XXH64.DigestOf(mixed);
    }
}
