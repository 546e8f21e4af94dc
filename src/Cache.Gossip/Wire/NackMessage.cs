namespace Cache.Gossip.Wire;

/// <summary>Lifeguard: a relay got no ack from the target in time.</summary>
internal readonly record struct NackMessage(uint Seq);
