namespace Cache.Gossip.Wire;

/// <summary>Direct probe; Target guards against a stale address now used by another node.</summary>
internal readonly record struct PingMessage(uint Seq, string Target, string SourceName, string SourceAddress);
