namespace Cache.Node.Storage;

/// <summary>Lists on the wire: the record form (count, then the elements, each length-prefixed and length-suffixed), whatever the encoding here; the receiver picks its own by size.</summary>
internal sealed class ListCodec(ListStore lists) : IValueCodec
{
    public byte[] Export(in StoreEntry entry) => lists.ToBlob(entry);

    public void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire) => lists.FromBlob(ref entry, wire);
}
