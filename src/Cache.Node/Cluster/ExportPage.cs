using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>A page of exported entries and the cursor of the next page (0 after the last).</summary>
internal sealed record ExportPage(long Next, List<(byte[] Key, ReplicatedEntry Entry)> Entries);
