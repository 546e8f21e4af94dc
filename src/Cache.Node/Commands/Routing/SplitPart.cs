namespace Cache.Node.Commands;

/// <summary>One owner's share of a split command: its RESP endpoint (null for this node) and its keys' positions in the request.</summary>
internal sealed record SplitPart(string? Endpoint, List<int> Positions);
