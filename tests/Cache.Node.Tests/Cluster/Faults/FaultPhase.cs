namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>When a write was sent, relative to the fault.</summary>
internal enum FaultPhase
{
    Before,
    During,
    After,
}
