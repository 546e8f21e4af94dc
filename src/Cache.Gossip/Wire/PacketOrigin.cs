namespace Cache.Gossip.Wire;

/// <summary>Who sealed an encrypted packet and its sequence; both authenticated. Empty for plain packets.</summary>
internal readonly record struct PacketOrigin(string? Sender, ulong Sequence);
