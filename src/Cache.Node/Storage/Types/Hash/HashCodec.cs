namespace Cache.Node.Storage;

/// <summary>Hashes on the wire: one <see cref="HashBlob"/>, whatever the encoding here; the receiver picks its own.</summary>
internal sealed class HashCodec(HashStore hashes) : IValueCodec
{
    public byte[] Export(in StoreEntry entry) => hashes.ToBlob(entry);

    public void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire) => hashes.FromBlob(ref entry, wire);
}
