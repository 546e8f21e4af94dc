namespace Cache.Gossip.Wire;

/// <summary>Answer to a ping (or a relayed ack of an indirect probe).</summary>
internal readonly record struct AckMessage(uint Seq);
