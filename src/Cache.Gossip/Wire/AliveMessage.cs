namespace Cache.Gossip.Wire;

/// <summary>Member is alive at an incarnation, with address and metadata.</summary>
internal readonly record struct AliveMessage(uint Incarnation, string Name, string Address, byte[] Metadata);
