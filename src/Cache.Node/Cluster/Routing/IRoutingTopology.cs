using Cache.Gossip.Ring;

namespace Cache.Node.Cluster.Routing;

/// <summary>What the cluster router reads of the cluster: the ring, peers' endpoints and health, and the hand-off holds.</summary>
internal interface IRoutingTopology
{
    /// <summary>The current slot map, published whole.</summary>
    SlotMap Ring { get; }

    /// <summary>This node's index in <paramref name="ring"/>'s nodes, or -1 when it is not in it.</summary>
    int IndexIn(SlotMap ring);

    /// <summary>The RESP endpoint a member advertises, or null when it is unknown.</summary>
    string? RespEndpointOf(string member);

    /// <summary>True when <paramref name="member"/> is suspected, or this node's replication link to it stopped answering.</summary>
    bool LooksDown(string member);

    /// <summary>Completes when the pull of <paramref name="slot"/>'s hand-off is in; null when nothing is held.</summary>
    Task? HandOffReady(int slot);
}
