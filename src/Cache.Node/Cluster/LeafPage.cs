namespace Cache.Node.Cluster;

/// <summary>A page of digest-tree leaves (key hash, entry hash) and the cursor of the next page (0 after the last).</summary>
internal sealed record LeafPage(long Next, List<(ulong KeyHash, ulong EntryHash)> Leaves);
