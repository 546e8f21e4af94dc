namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>What a writer learned of one write.</summary>
internal enum WriteOutcome
{
    /// <summary>+OK: the quorum holds it.</summary>
    Acked,

    /// <summary>NOREPLICAS (or another error): the node said no.</summary>
    Refused,

    /// <summary>No reply (a timeout, a broken connection): it may or may not have happened.</summary>
    Unknown,
}
