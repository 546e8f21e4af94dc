namespace Cache.Gossip.Wire;

/// <summary>From suspects Name at an incarnation.</summary>
internal readonly record struct SuspectMessage(uint Incarnation, string Name, string From);
