using Cache.Node.Storage;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>A write a coordinator made, and the lives of the nodes that confirmed holding it.</summary>
internal sealed class SimWrite(string key, ReplicatedEntry entry, SimReplica coordinator)
{
    public string Key { get; } = key;

    public ReplicatedEntry Entry { get; } = entry;

    /// <summary>The coordinator and every owner whose acknowledgement came back, with the incarnation that held it.</summary>
    public List<(SimReplica Node, int Incarnation)> Holders { get; } = [(coordinator, coordinator.Incarnation)];

    /// <summary>True once <see cref="ReplicaSimulation.WriteQuorum"/> copies confirmed it: the client got OK.</summary>
    public bool Acknowledged { get; set; }
}
