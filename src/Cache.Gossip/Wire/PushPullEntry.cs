namespace Cache.Gossip.Wire;

/// <summary>One member in a full state exchange.</summary>
internal readonly record struct PushPullEntry(string Name, string Address, uint Incarnation, MemberState State, byte[] Metadata);
