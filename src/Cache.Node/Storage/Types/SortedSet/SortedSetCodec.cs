namespace Cache.Node.Storage;

/// <summary>Sorted sets on the wire: one <see cref="ZSetBlob"/>, whatever the encoding here; the receiver picks its own.</summary>
internal sealed class SortedSetCodec(SortedSetStore sortedSets) : IValueCodec
{
    public byte[] Export(in StoreEntry entry) => sortedSets.ToBlob(entry);

    public void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire) => sortedSets.FromBlob(ref entry, wire);
}
