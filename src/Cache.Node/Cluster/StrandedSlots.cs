using Cache.Gossip.Ring;
using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// Entries a node holds in slots it does not own — left from before a ring change, or arriving
/// after one (a pull or a replicated write from a coordinator still on the old ring). Anti-entropy
/// compares only owners, so this node pushes such slots to their owners: on each ring change and
/// every anti-entropy round, each time the slot's digest has changed since the last push that
/// reached all of its owners. Thread-safe.
/// </summary>
internal sealed class StrandedSlots
{
    private readonly ulong[] _pushed = new ulong[HashSlot.Count];
    private readonly Lock _lock = new();

    /// <summary>
    /// Pushes every stranded slot whose digest changed since it was last pushed to all its owners
    /// in <paramref name="ring"/>; returns entries sent. A transfer that failed is rethrown once
    /// the others are done (its slots are pushed again next time).
    /// </summary>
    public async Task<int> PushAsync(SlotMap ring, string self, KeySpace keys, Func<string, IReplicaPeer?> peerOf, CancellationToken cancellationToken)
    {
        Dictionary<string, bool[]> plan;
        var digests = new ulong[HashSlot.Count];
        lock (keys.Gate)
        {
            lock (_lock)
            {
                plan = HandOffPlan.Pushes(ring, self, slot =>
                {
                    digests[slot] = keys.SlotDigest(slot);
                    return digests[slot] != 0 && digests[slot] != _pushed[slot];
                });
            }
        }

        var sent = 0;
        var failedSlots = new bool[HashSlot.Count];
        Exception? failure = null;
        foreach (var (target, slots) in plan)
        {
            try
            {
                if (peerOf(target) is { } peer)
                {
                    sent += (await ReplicaSync.PushAsync(keys, peer, slots, cancellationToken).ConfigureAwait(false)).Sent;
                    continue;
                }

                failure ??= new InvalidDataException($"no address known for {target}");
            }
            catch (Exception ex) when (HandOffRetry.IsTransient(ex))
            {
                failure ??= ex;
            }

            for (var slot = 0; slot < HashSlot.Count; slot++)
            {
                failedSlots[slot] |= slots[slot];
            }
        }

        lock (_lock)
        {
            foreach (var slots in plan.Values)
            {
                for (var slot = 0; slot < HashSlot.Count; slot++)
                {
                    if (slots[slot] && !failedSlots[slot])
                    {
                        _pushed[slot] = digests[slot];
                    }
                }
            }
        }

        return failure is null ? sent : throw failure;
    }
}
