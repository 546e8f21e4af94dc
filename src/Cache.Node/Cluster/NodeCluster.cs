namespace Cache.Node.Cluster;

/// <summary>
/// The node's cluster parts, built together once by the composition root after the node joined
/// gossip, and handed to the server whole, so commands see all of them or none.
/// </summary>
/// <param name="Membership">This node's gossip membership and ring.</param>
/// <param name="Peers">Connections to the other nodes (forwarding, replication, hand-off).</param>
/// <param name="Replication">Ships writes to the other owners.</param>
/// <param name="HandOff">Moves data when the ring changes.</param>
/// <param name="AntiEntropy">Compares slot digests with peers and repairs what differs.</param>
internal sealed record NodeCluster(ClusterMembership Membership, PeerLinks Peers, Replicator Replication, SlotHandOff HandOff, AntiEntropy AntiEntropy);
