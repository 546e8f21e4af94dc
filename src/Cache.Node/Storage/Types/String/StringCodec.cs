namespace Cache.Node.Storage;

/// <summary>
/// Strings on the wire: the value's bytes as they are. A string's encoding is its bytes in the
/// record and its store is <see cref="KeySpace"/>'s own value members (ValueOf, SetValue,
/// ResizeValue, SetString): the one type with no module of its own beyond this codec.
/// </summary>
internal sealed class StringCodec(KeySpace keys) : IValueCodec
{
    public byte[] Export(in StoreEntry entry) => keys.ValueOf(entry).ToArray();

    public void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire) => keys.SetValue(ref entry, wire);
}
