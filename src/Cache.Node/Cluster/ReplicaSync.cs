using System.Buffers.Binary;
using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// The asking side of anti-entropy and hand-off, over one key space and one peer: pull a peer's
/// entries of some slots and merge them, push ours, and the anti-entropy exchange itself —
/// compare the 128 segment digests of the shared slots, open only differing segments slot by
/// slot, then in each differing slot compare per-key leaves (key and entry hash, no value) and
/// move only the entries that differ (newer version wins, both ways).
/// The same code runs between servers and in the simulated-network property tests.
/// </summary>
internal static class ReplicaSync
{
    /// <summary>Entries per page of a pull or a push.</summary>
    public const int EntriesPerPage = 1000;

    /// <summary>Leaves per page of a LEAVES exchange (small enough that a page's reply stays off the large object heap).</summary>
    public const int LeavesPerPage = 4096;

    /// <summary>Per-leaf overhead counted in a round's bytes (the 8-byte entry hash and RESP framing).</summary>
    private const int LeafOverhead = 20;

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
            using (keys.Enter())
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
        long cursor = 0;
        var sent = 0;
        long bytes = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = new List<(byte[] Key, ReplicatedEntry Entry)>();
            using (keys.Enter())
            {
                cursor = keys.ExportWhere(cursor, EntriesPerPage, slot => slots[slot], entries);
            }

            if (include is not null)
            {
                entries.RemoveAll(e => !include(e.Key, e.Entry));
            }

            sent += entries.Count;
            bytes += await SendAsync(peer, entries, cancellationToken).ConfigureAwait(false);
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
        using (keys.Enter())
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

        long bytes = SlotBitmap.ToWire(shared).Length + theirTree.Length;
        if (opened == 0)
        {
            return new RepairResult(sharedCount, 0, 0, 0, 0, bytes);
        }

        var theirDigests = Expect(await peer.DigestsAsync(open, cancellationToken).ConfigureAwait(false), opened * sizeof(ulong), "DIGESTS");
        bytes += SlotBitmap.ToWire(open).Length + theirDigests.Length;
        // A slot one side holds nothing of moves whole; in the others the leaves (each key with an
        // 8-byte hash of its version) say which keys differ, and only those entries move.
        var pullWhole = new bool[HashSlot.Count];
        var pushWhole = new bool[HashSlot.Count];
        var compare = new bool[HashSlot.Count];
        var differing = 0;
        var repairing = 0;
        using (keys.Enter())
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
            (pulled, bytes) = (pulled + applied, bytes + pulledBytes);
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
    /// The bottom of the tree: both sides list (key, entry hash) for the slots; the keys whose
    /// hashes differ, or that only the peer holds, are fetched by name and merged here; ours go
    /// back where the peer lacks them or holds an older version.
    /// </summary>
    private static async Task<(int Applied, int Sent, long Bytes)> ExchangeDifferingKeysAsync(KeySpace keys, IReplicaPeer peer, bool[] slots, CancellationToken cancellationToken)
    {
        var mask = SlotBitmap.From(slots);
        var wire = SlotBitmap.ToWire(mask).Length;
        long bytes = 0;
        var theirs = new Dictionary<byte[], ulong>(KeyBytesComparer.Instance);
        long cursor = 0;
        do
        {
            var page = await peer.LeavesAsync(cursor, LeavesPerPage, mask, cancellationToken).ConfigureAwait(false);
            foreach (var (key, entryHash) in page.Leaves)
            {
                theirs[key] = entryHash;
                bytes += key.Length + LeafOverhead;
            }

            bytes += wire;
            cursor = page.Next;
        }
        while (cursor != 0);

        var ours = new Dictionary<byte[], ulong>(KeyBytesComparer.Instance);
        var leaves = new List<(byte[] Key, ulong EntryHash)>();
        long next = 0;
        do
        {
            leaves.Clear();
            using (keys.Enter())
            {
                next = keys.ExportLeaves(next, LeavesPerPage, slot => slots[slot], leaves);
            }

            foreach (var (key, entryHash) in leaves)
            {
                ours[key] = entryHash;
            }
        }
        while (next != 0);

        var wanted = new List<byte[]>();
        foreach (var (key, entryHash) in theirs)
        {
            if (!ours.TryGetValue(key, out var mine) || mine != entryHash)
            {
                wanted.Add(key);
            }
        }

        var theirVersions = new Dictionary<byte[], EntryVersion>(KeyBytesComparer.Instance);
        var applied = 0;
        // The peer answers a prefix of the names when their values are large; ask again for the rest.
        for (var done = 0; done < wanted.Count;)
        {
            var names = wanted.GetRange(done, Math.Min(EntriesPerPage, wanted.Count - done));
            var (answered, entries) = await peer.FetchAsync(names, cancellationToken).ConfigureAwait(false);
            using (keys.Enter())
            {
                foreach (var (key, entry) in entries)
                {
                    theirVersions[key] = entry.Version;
                    applied += keys.Apply(key, entry) ? 1 : 0;
                    bytes += SizeOf(key, entry);
                }
            }

            foreach (var key in names)
            {
                bytes += key.Length + LeafOverhead;
            }

            done += answered;
        }

        // Ours go back by name (no walk): the keys the peer lacks, and those where ours is newer.
        var offer = new List<byte[]>();
        foreach (var key in ours.Keys)
        {
            if (!theirs.ContainsKey(key) || theirVersions.ContainsKey(key))
            {
                offer.Add(key);
            }
        }

        var sent = 0;
        long pushedBytes = 0;
        foreach (var chunk in offer.Chunk(EntriesPerPage))
        {
            var entries = new List<(byte[] Key, ReplicatedEntry Entry)>(chunk.Length);
            using (keys.Enter())
            {
                foreach (var key in chunk)
                {
                    if (keys.Export(key) is { } entry
                        && (!theirVersions.TryGetValue(key, out var version) || entry.Version > version))
                    {
                        entries.Add((key, entry));
                    }
                }
            }

            sent += entries.Count;
            pushedBytes += await SendAsync(peer, entries, cancellationToken).ConfigureAwait(false);
        }

        return (applied, sent, bytes + pushedBytes);
    }

    /// <summary>Has the peer merge <paramref name="entries"/> (nothing sent when empty); the bytes they took.</summary>
    private static async Task<long> SendAsync(IReplicaPeer peer, List<(byte[] Key, ReplicatedEntry Entry)> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return 0;
        }

        await peer.ApplyAsync(entries, cancellationToken).ConfigureAwait(false);
        return entries.Sum(e => SizeOf(e.Key, e.Entry));
    }

    private static long SizeOf(byte[] key, in ReplicatedEntry entry) => key.Length + entry.Value.Length + EntryOverhead;

    private static byte[] Expect(byte[] reply, int length, string what) =>
        reply.Length == length ? reply : throw new InvalidDataException($"The peer answered GOSSIPCACHE {what} with {reply.Length} bytes, expected {length}.");
}
