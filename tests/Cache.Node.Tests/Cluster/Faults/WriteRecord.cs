namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>One write a <see cref="FaultWriter"/> sent: the key, its unique value, when it was sent, what came back and when.</summary>
internal sealed record WriteRecord(string Key, string Value, bool Shared, FaultPhase Phase, WriteOutcome Outcome, FaultPhase RepliedIn, string Reply = "");
