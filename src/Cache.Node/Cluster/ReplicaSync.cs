using System.Buffers.Binary;
using K4os.Hash.xxHash;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The asking side of anti-entropy and hand-off, over one key space and one peer: pull a peer's
/// entries of some slots and merge them, push ours, and the anti-entropy exchange itself —
/// compare the 128 segment digests of the shared slots, open only differing segments slot by
/// slot, then in each differing slot compare per-key leaves and move only the entries that differ
/// (newer version wins, both ways).
/// The same code runs between servers and in the simulated-network property tests.
/// </summary>
internal static class ReplicaSync
{
    /// <summary>Entries per page of a pull or a push.</summary>
    public const int EntriesPerPage = 1000;

    /// <summary>Leaves per page of a LEAVES exchange (16 bytes each).</summary>
    public const int LeavesPerPage = 16384;

    /// <summary>Per-entry overhead counted in the bytes a round reports (version, kind, expiry, framing).</summary>
    private const int EntryOverhead = 48;

    /// <summary>Pulls <paramref name="peer"/>'s entries of <paramref name="slots"/> and merges them here; how many replaced ours.</summary>
    public static async Task<(int Applied, long Bytes)> PullAsync(KeySpace keys, IReplicaPeer peer, byte[] slots, CancellationToken cancellationToken)
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
        // A slot one side holds nothing of moves whole; in the others the leaves (16 bytes per key)
        // say which keys differ, and only those entries move.
        var pullWhole = new bool[HashSlot.Count];
        var pushWhole = new bool[HashSlot.Count];
        var compare = new bool[HashSlot.Count];
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

                var ours = keys.SlotDigest(slot);
                var theirs = BinaryPrimitives.ReadUInt64LittleEndian(theirDigests.AsSpan(at));
                at += sizeof(ulong);
                if (ours == theirs)
                {
                    continue;
                }

                differing++;
                // Bounded work per round: the rest are found again, and repaired, next round.
                if (repairing < maxSlots)
                {
                    (ours == 0 ? pullWhole : theirs == 0 ? pushWhole : compare)[slot] = true;
                    repairing++;
                }
            }
        }

        var pulled = 0;
        var pushed = 0;
        if (pullWhole.Contains(true))
        {
            var (applied, pulledBytes) = await PullAsync(keys, peer, SlotBitmap.From(pullWhole), cancellationToken).ConfigureAwait(false);
            (pulled, bytes) = (pulled + applied, bytes + SlotBitmap.Length + pulledBytes);
        }

        if (pushWhole.Contains(true))
        {
            var (sent, pushedBytes) = await PushAsync(keys, peer, pushWhole, cancellationToken).ConfigureAwait(false);
            (pushed, bytes) = (pushed + sent, bytes + pushedBytes);
        }

        if (compare.Contains(true))
        {
            var (applied, sent, leafBytes) = await ExchangeDifferingKeysAsync(keys, peer, compare, cancellationToken).ConfigureAwait(false);
            (pulled, pushed, bytes) = (pulled + applied, pushed + sent, bytes + leafBytes);
        }

        return new RepairResult(sharedCount, differing, repairing, pulled, pushed, bytes);
    }

    /// <summary>
    /// The bottom of the tree: both sides list (key hash, entry hash) for the slots; the keys whose
    /// hashes differ, or that only the peer holds, are fetched and merged here; ours go back where
    /// the peer lacks them or holds an older version.
    /// </summary>
    private static async Task<(int Applied, int Sent, long Bytes)> ExchangeDifferingKeysAsync(KeySpace keys, IReplicaPeer peer, bool[] slots, CancellationToken cancellationToken)
    {
        var mask = SlotBitmap.From(slots);
        long bytes = 0;
        var theirs = new Dictionary<ulong, ulong>();
        long cursor = 0;
        do
        {
            var page = await peer.LeavesAsync(cursor, LeavesPerPage, mask, cancellationToken).ConfigureAwait(false);
            foreach (var (keyHash, entryHash) in page.Leaves)
            {
                theirs[keyHash] = entryHash;
            }

            bytes += SlotBitmap.Length + (16L * page.Leaves.Count);
            cursor = page.Next;
        }
        while (cursor != 0);

        var ours = new Dictionary<ulong, ulong>();
        var leaves = new List<(ulong KeyHash, ulong EntryHash)>();
        var next = 0;
        do
        {
            leaves.Clear();
            lock (keys.Gate)
            {
                next = keys.ExportLeaves(next, LeavesPerPage, slot => slots[slot], leaves);
            }

            foreach (var (keyHash, entryHash) in leaves)
            {
                ours[keyHash] = entryHash;
            }
        }
        while (next != 0);

        var wanted = new List<ulong>();
        foreach (var (keyHash, entryHash) in theirs)
        {
            if (!ours.TryGetValue(keyHash, out var mine) || mine != entryHash)
            {
                wanted.Add(keyHash);
            }
        }

        var theirVersions = new Dictionary<ulong, EntryVersion>();
        var applied = 0;
        foreach (var chunk in wanted.Chunk(ReplicaDigests.MaxFetchHashes))
        {
            cursor = 0;
            do
            {
                var page = await peer.FetchAsync(cursor, EntriesPerPage, mask, chunk, cancellationToken).ConfigureAwait(false);
                lock (keys.Gate)
                {
                    foreach (var (key, entry) in page.Entries)
                    {
                        theirVersions[XXH64.DigestOf(key)] = entry.Version;
                        applied += keys.Apply(key, entry) ? 1 : 0;
                        bytes += SizeOf(key, entry);
                    }
                }

                bytes += SlotBitmap.Length + (sizeof(ulong) * chunk.Length);
                cursor = page.Next;
            }
            while (cursor != 0);
        }

        var (sent, pushedBytes) = await PushAsync(keys, peer, slots, cancellationToken, (key, entry) =>
        {
            var keyHash = XXH64.DigestOf(key);
            return !theirs.ContainsKey(keyHash) || (theirVersions.TryGetValue(keyHash, out var version) && entry.Version > version);
        }).ConfigureAwait(false);
        return (applied, sent, bytes + pushedBytes);
    }

    private static long SizeOf(byte[] key, in ReplicatedEntry entry) => key.Length + entry.Value.Length + EntryOverhead;

    private static byte[] Expect(byte[] reply, int length, string what) =>
        reply.Length == length ? reply : throw new InvalidDataException($"The peer answered GOSSIPCACHE {what} with {reply.Length} bytes, expected {length}.");
}
