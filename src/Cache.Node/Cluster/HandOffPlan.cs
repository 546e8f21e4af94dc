using Cache.Gossip.Ring;

namespace Cache.Node.Cluster;

/// <summary>
/// Which slots move where when the ring changes, as pure functions of the rings (the server's
/// <see cref="SlotHandOff"/> and the simulation tests both use them). Each result maps another
/// node's id to the slots to move between it and this node.
/// </summary>
internal static class HandOffPlan
{
    /// <summary>
    /// The slots to pull: those this node gained, those it became primary of, and every slot it
    /// shares with a node it did not see before (that node may have restarted empty, or may hold
    /// writes from the other side of a partition).
    /// </summary>
    public static Dictionary<string, bool[]> Pulls(SlotMap previous, SlotMap next, string self)
    {
        var plan = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        var selfNext = next.IndexOf(self);
        if (selfNext < 0 || next.Nodes.Count <= 1)
        {
            return plan;
        }

        var selfPrevious = previous.IndexOf(self);
        var known = previous.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var owners = next.OwnerIndices(slot);
            if (!owners.Contains(selfNext))
            {
                continue;
            }

            var before = selfPrevious >= 0 && previous.Replicas > 0 ? previous.OwnerIndices(slot) : [];
            var gained = !before.Contains(selfPrevious);
            var promoted = owners[0] == selfNext && (before.Length == 0 || before[0] != selfPrevious);
            foreach (var owner in owners)
            {
                var id = next.Nodes[owner].Id;
                if (owner != selfNext && (gained || promoted || !known.Contains(id)))
                {
                    Add(plan, id, slot);
                }
            }
        }

        return plan;
    }

    /// <summary>
    /// Before a graceful leave: the slots this node holds, for each node that will own them once it
    /// is gone and does not own them now (with one copy per key the only copy would leave with it).
    /// </summary>
    public static Dictionary<string, bool[]> BeforeLeave(SlotMap ring, string self, int replicas)
    {
        var plan = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        var selfIndex = ring.IndexOf(self);
        if (ring.Nodes.Count <= 1 || selfIndex < 0)
        {
            return plan;
        }

        var after = SlotMap.Build(ring.Nodes.Where(n => n.Id != self), replicas);
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var before = ring.OwnerIndices(slot);
            if (!before.Contains(selfIndex))
            {
                continue;
            }

            foreach (var owner in after.OwnerIndices(slot))
            {
                var id = after.Nodes[owner].Id;
                var alreadyOwner = false;
                foreach (var previous in before)
                {
                    alreadyOwner |= ring.Nodes[previous].Id == id;
                }

                if (!alreadyOwner)
                {
                    Add(plan, id, slot);
                }
            }
        }

        return plan;
    }

    private static void Add(Dictionary<string, bool[]> plan, string node, int slot)
    {
        if (!plan.TryGetValue(node, out var slots))
        {
            slots = new bool[HashSlot.Count];
            plan[node] = slots;
        }

        slots[slot] = true;
    }
}
