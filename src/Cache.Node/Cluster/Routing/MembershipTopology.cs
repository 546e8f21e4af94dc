using Cache.Gossip.Ring;

namespace Cache.Node.Cluster.Routing;

/// <summary>The routing view of a running node: its gossip membership, its links to peers and its hand-off.</summary>
internal sealed class MembershipTopology(ClusterMembership cluster, PeerLinks peers, SlotHandOff handOff, TimeSpan replicationTimeout) : IRoutingTopology
{
    public SlotMap Ring => cluster.Ring;

    public int IndexIn(SlotMap ring) => cluster.IndexIn(ring);

    public string? RespEndpointOf(string member) => cluster.RespEndpointOf(member);

    public bool LooksDown(string member) =>
        cluster.IsSuspect(member)
        || (cluster.RespEndpointOf(member) is { } endpoint && peers.LooksDown(endpoint, replicationTimeout));

    public Task? HandOffReady(int slot) => handOff.WhenReady(slot);
}
