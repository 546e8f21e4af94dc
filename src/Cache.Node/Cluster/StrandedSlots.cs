using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// Entries a node holds in slots it does not own — left from before a ring change, or arriving
/// after one (a pull or a replicated write from a coordinator still on the old ring). Anti-entropy
/// compares only owners, so the node pushes them to every owner, on each ring change and before
/// every anti-entropy round, and once all owners have taken an entry it drops its own copy
/// (unless the entry changed meanwhile): nothing is stranded, and nothing is kept for nothing.
/// </summary>
internal static class StrandedSlots
{
    /// <summary>
    /// Pushes the entries of every slot this node holds but does not own in <paramref name="ring"/>
    /// to the slot's owners and drops those all owners took; returns entries sent. A transfer that
    /// failed is rethrown once the others are done (its entries stay here for the next attempt).
    /// <paramref name="dropped"/> hears of each entry dropped.
    /// </summary>
    public static async Task<int> PushAsync(SlotMap ring, string self, KeySpace keys, Func<string, IReplicaPeer?> peerOf,
        Action<byte[], EntryVersion>? dropped, CancellationToken cancellationToken)
    {
        var selfIndex = ring.IndexOf(self);
        if (selfIndex < 0 || ring.Nodes.Count <= 1)
        {
            return 0;
        }

        var stranded = new bool[HashSlot.Count];
        var any = false;
        using (keys.Enter())
        {
            for (var slot = 0; slot < HashSlot.Count; slot++)
            {
                stranded[slot] = keys.SlotDigest(slot) != 0 && !ring.OwnerIndices(slot).Contains(selfIndex);
                any |= stranded[slot];
            }
        }

        if (!any)
        {
            return 0;
        }

        var sent = 0;
        Exception? failure = null;
        long cursor = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = new List<(byte[] Key, ReplicatedEntry Entry)>();
            using (keys.Enter())
            {
                cursor = keys.ExportWhere(cursor, ReplicaSync.EntriesPerPage, slot => stranded[slot], page);
            }

            var byOwner = new Dictionary<int, List<(byte[] Key, ReplicatedEntry Entry)>>();
            foreach (var entry in page)
            {
                foreach (var owner in ring.OwnerIndices(HashSlot.ForKey(entry.Key)))
                {
                    if (!byOwner.TryGetValue(owner, out var list))
                    {
                        byOwner[owner] = list = [];
                    }

                    list.Add(entry);
                }
            }

            var failedSlots = new HashSet<int>();
            foreach (var (owner, entries) in byOwner)
            {
                try
                {
                    var peer = peerOf(ring.Nodes[owner].Id) ?? throw new InvalidDataException($"no address known for {ring.Nodes[owner].Id}");
                    if (await peer.HandOffAsync(entries, ring.Hash, cancellationToken).ConfigureAwait(false))
                    {
                        sent += entries.Count;
                        continue;
                    }

                    failure ??= new InvalidDataException($"{ring.Nodes[owner].Id} is on another ring; handing off again later");
                }
                catch (Exception ex) when (HandOffRetry.IsTransient(ex))
                {
                    failure ??= ex;
                }

                failedSlots.UnionWith(entries.Select(e => HashSlot.ForKey(e.Key)));
            }

            // Every owner of these slots, on the same ring as this node, holds what was sent (or
            // newer) and knows it owns it: this copy is redundant.
            using (keys.Enter())
            {
                foreach (var (key, entry) in page)
                {
                    if (!failedSlots.Contains(HashSlot.ForKey(key)) && keys.DropIfUnchanged(key, entry.Version))
                    {
                        dropped?.Invoke(key, entry.Version);
                    }
                }
            }
        }
        while (cursor != 0);
        return failure is null ? sent : throw failure;
    }
}
