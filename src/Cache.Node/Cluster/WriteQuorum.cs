using Cache.Gossip.Ring;

namespace Cache.Node.Cluster;

/// <summary>
/// The write quorum as a property of the configured copies: W of a slot's owners among the
/// voters (<see cref="ClusterMembership.Voters"/>: every member that did not leave), whatever the
/// ring of the members that are up says. A node that cannot reach W of them, itself included,
/// must not take the write: a partitioned node's ring shrinks to itself, its voters do not.
/// </summary>
internal sealed class WriteQuorum(ClusterMembership cluster, PeerLinks peers, Func<int, int> quorumFor, TimeSpan linkWindow)
{
    /// <summary>
    /// Acknowledgements (this node's copy included) a write of a slot of <paramref name="voters"/>
    /// needs; <see cref="int.MaxValue"/> while a node given seeds has met no one (it cannot know its
    /// cluster's size yet), unless the quorum asked for is one copy anyway.
    /// </summary>
    public int RequiredIn(SlotMap voters) =>
        cluster.HasSeeds && !cluster.HasMetPeer && quorumFor(cluster.ConfiguredReplicas) > 1 ? int.MaxValue : quorumFor(Math.Max(1, voters.Replicas));

    /// <summary>The acknowledgements a write needs now (INFO cluster's cluster_write_quorum).</summary>
    public int Required => RequiredIn(cluster.Voters);

    /// <summary>
    /// True when this node reaches W owners of <paramref name="slot"/> among the voters (itself
    /// counted when it is one); with a negative slot, W voters of any slot. Reached means gossip
    /// sees the owner alive (not suspected, not failed) and this node's link to it has not broken.
    /// </summary>
    public bool Reachable(int slot)
    {
        var voters = cluster.Voters;
        var required = RequiredIn(voters);
        if (required == int.MaxValue)
        {
            return false;
        }

        var reached = 0;
        if (slot < 0)
        {
            foreach (var node in voters.Nodes)
            {
                reached += IsReachable(node.Id) ? 1 : 0;
            }

            return reached >= required;
        }

        foreach (var owner in voters.OwnerIndices(slot))
        {
            reached += IsReachable(voters.Nodes[owner].Id) ? 1 : 0;
        }

        return reached >= required;
    }

    /// <summary>The voters this node reaches now (INFO cluster).</summary>
    public int ReachableVoters() => cluster.Voters.Nodes.Count(n => IsReachable(n.Id));

    private bool IsReachable(string member) =>
        member == cluster.Gossip.Name
        || (cluster.IsAlive(member) && !(cluster.RespEndpointOf(member) is { } endpoint && peers.LooksDown(endpoint, linkWindow)));
}
