namespace Cache.Node.Cluster;

/// <summary>A page of digest-tree leaves (key, entry hash) and the cursor of the next page (0 after the last).</summary>
internal sealed record LeafPage(long Next, List<(byte[] Key, ulong EntryHash)> Leaves);
