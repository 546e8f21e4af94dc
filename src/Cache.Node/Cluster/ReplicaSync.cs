using System.Buffers.Binary;
using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The asking side of anti-entropy and hand-off, over one key space and one peer: pull a peer's
/// entries of some slots and merge them, push ours, and the anti-entropy exchange itself —
/// compare the 128 segment digests of the shared slots, open only differing segments slot by
/// slot, then pull the differing slots and push back only what the peer lacks or holds older.
/// The same code runs between servers and in the simulated-network property tests.
/// </summary>
internal static class ReplicaSync
{
    /// <summary>Entries per page of a pull or a push.</summary>
    public const int EntriesPerPage = 1000;

    /// <summary>Per-entry overhead counted in the bytes a round reports (version, kind, expiry, framing).</summary>
    private const int EntryOverhead = 48;

    /// <summary>
    /// Pulls <paramref name="peer"/>'s entries of <paramref name="slots"/> and merges them here;
    /// how many replaced ours. <paramref name="theirs"/> collects the versions the peer holds.
    /// </summary>
    public static async Task<(int Applied, long Bytes)> PullAsync(KeySpace keys, IReplicaPeer peer, byte[] slots, CancellationToken cancellationToken,
        Dictionary<string, EntryVersion>? theirs = null)
    {
        long cursor = 0;
        var applied = 0;
        long bytes = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await peer.PullAsync(cursor, EntriesPerPage, slots, cancellationToken).ConfigureAwait(false);
            lock (keys.Gate)
            {
                foreach (var (key, entry) in page.Entries)
                {
                    theirs?.TryAdd(Encoding.Latin1.GetString(key), entry.Version);
                    applied += keys.Apply(key, entry) ? 1 : 0;
                    bytes += SizeOf(key, entry);
                }
            }

            cursor = page.Next;
        }
        while (cursor != 0);
        return (applied, bytes);
    }

    /// <summary>
    /// Sends our entries (tombstones included) of <paramref name="slots"/> to <paramref name="peer"/>,
    /// only those <paramref name="include"/> accepts when given; how many were sent.
    /// </summary>
    public static async Task<(int Sent, long Bytes)> PushAsync(KeySpace keys, IReplicaPeer peer, bool[] slots, CancellationToken cancellationToken,
        Func<byte[], ReplicatedEntry, bool>? include = null)
    {
        var cursor = 0;
        var sent = 0;
        long bytes = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = new List<(byte[] Key, ReplicatedEntry Entry)>();
            lock (keys.Gate)
            {
                cursor = keys.ExportWhere(cursor, EntriesPerPage, slot => slots[slot], entries);
            }

            if (include is not null)
            {
                entries.RemoveAll(e => !include(e.Key, e.Entry));
            }

            if (entries.Count > 0)
            {
                await peer.ApplyAsync(entries, cancellationToken).ConfigureAwait(false);
                sent += entries.Count;
                foreach (var (key, entry) in entries)
                {
                    bytes += SizeOf(key, entry);
                }
            }
        }
        while (cursor != 0);
        return (sent, bytes);
    }

    /// <summary>
    /// One anti-entropy exchange over the <paramref name="shared"/> slots: confirms they agree, or
    /// repairs at most <paramref name="maxSlots"/> of the differing ones both ways (newer wins).
    /// </summary>
    public static async Task<RepairResult> RepairAsync(KeySpace keys, IReplicaPeer peer, byte[] shared, int maxSlots, CancellationToken cancellationToken)
    {
        var sharedCount = 0;
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            sharedCount += SlotBitmap.Contains(shared, slot) ? 1 : 0;
        }

        var theirTree = Expect(await peer.TreeAsync(shared, cancellationToken).ConfigureAwait(false), ReplicaDigests.Segments * sizeof(ulong), "TREE");
        var open = SlotBitmap.Create();
        var opened = 0;
        lock (keys.Gate)
        {
            for (var segment = 0; segment < ReplicaDigests.Segments; segment++)
            {
                if (keys.SegmentDigest(segment, shared) == BinaryPrimitives.ReadUInt64LittleEndian(theirTree.AsSpan(segment * sizeof(ulong))))
                {
                    continue;
                }

                for (var slot = segment * KeySpace.SlotsPerSegment; slot < (segment + 1) * KeySpace.SlotsPerSegment; slot++)
                {
                    if (SlotBitmap.Contains(shared, slot))
                    {
                        SlotBitmap.Add(open, slot);
                        opened++;
                    }
                }
            }
        }

        long bytes = shared.Length + theirTree.Length;
        if (opened == 0)
        {
            return new RepairResult(sharedCount, 0, 0, 0, 0, bytes);
        }

        var theirDigests = Expect(await peer.DigestsAsync(open, cancellationToken).ConfigureAwait(false), opened * sizeof(ulong), "DIGESTS");
        bytes += open.Length + theirDigests.Length;
        var repair = new bool[HashSlot.Count];
        var differing = 0;
        var repairing = 0;
        lock (keys.Gate)
        {
            var at = 0;
            for (var slot = 0; slot < HashSlot.Count; slot++)
            {
                if (!SlotBitmap.Contains(open, slot))
                {
                    continue;
                }

                if (keys.SlotDigest(slot) != BinaryPrimitives.ReadUInt64LittleEndian(theirDigests.AsSpan(at)))
                {
                    differing++;
                    // Bounded work per round: the rest are found again, and repaired, next round.
                    if (repairing < maxSlots)
                    {
                        repair[slot] = true;
                        repairing++;
                    }
                }

                at += sizeof(ulong);
            }
        }

        if (repairing == 0)
        {
            return new RepairResult(sharedCount, 0, 0, 0, 0, bytes);
        }

        // Their entries of the differing slots come in whole (newer ones merged here); ours go out
        // only where they are missing there or newer than theirs.
        var theirs = new Dictionary<string, EntryVersion>(StringComparer.Ordinal);
        var (pulled, pulledBytes) = await PullAsync(keys, peer, SlotBitmap.From(repair), cancellationToken, theirs).ConfigureAwait(false);
        var (pushed, pushedBytes) = await PushAsync(keys, peer, repair, cancellationToken,
            (key, entry) => !theirs.TryGetValue(Encoding.Latin1.GetString(key), out var version) || entry.Version > version).ConfigureAwait(false);
        bytes += SlotBitmap.Length + pulledBytes + pushedBytes;
        return new RepairResult(sharedCount, differing, repairing, pulled, pushed, bytes);
    }

    private static long SizeOf(byte[] key, in ReplicatedEntry entry) => key.Length + entry.Value.Length + EntryOverhead;

    private static byte[] Expect(byte[] reply, int length, string what) =>
        reply.Length == length ? reply : throw new InvalidDataException($"The peer answered GOSSIPCACHE {what} with {reply.Length} bytes, expected {length}.");
}
