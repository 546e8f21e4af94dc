namespace Cache.Gossip.Wire;

/// <summary>Asks a relay to probe Target on the sender's behalf.</summary>
internal readonly record struct IndirectPingMessage(uint Seq, string Target, string TargetAddress, bool WantNack, string SourceName, string SourceAddress);
