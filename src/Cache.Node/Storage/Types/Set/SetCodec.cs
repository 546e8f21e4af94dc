namespace Cache.Node.Storage;

/// <summary>Sets on the wire: one <see cref="SmallSetBlob"/> of every member, whatever the encoding here; the receiver picks its own by content.</summary>
internal sealed class SetCodec(SetStore sets) : IValueCodec
{
    public byte[] Export(in StoreEntry entry) => sets.ToWire(entry);

    public void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire) => sets.FromWire(ref entry, wire);
}
