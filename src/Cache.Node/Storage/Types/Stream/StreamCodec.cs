namespace Cache.Node.Storage;

/// <summary>Streams on the wire: <see cref="StreamValue.Export"/>'s form, blocks and groups as they are.</summary>
internal sealed class StreamCodec(StreamStore streams) : IValueCodec
{
    public byte[] Export(in StoreEntry entry) => streams.Get(entry).Export();

    public void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire) => streams.Import(ref entry, wire);
}
