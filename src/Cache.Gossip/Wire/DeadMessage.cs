namespace Cache.Gossip.Wire;

/// <summary>From declares Name dead; From == Name means a graceful leave.</summary>
internal readonly record struct DeadMessage(uint Incarnation, string Name, string From);
