namespace Cache.Gossip.Ring;

/// <summary>A member as the ring sees it: a stable id, a relative weight and an optional zone.</summary>
/// <param name="Id">Stable node id; the ring orders and hashes by it.</param>
/// <param name="Weight">Relative share of slots (1 = one share). Zero or less is treated as 1.</param>
/// <param name="Zone">Failure domain; copies of a slot go to different zones when there are enough.</param>
public sealed record RingNode(string Id, int Weight = 1, string? Zone = null);
