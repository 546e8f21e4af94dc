namespace Cache.Node.Storage;

/// <summary>
/// A value type's replication codec. Each value type is a module under <c>Storage/Types/{Type}/</c>
/// in one shape: its encoding (how the value lies in the entry's record, e.g. <see cref="HashBlob"/>),
/// its store (the operations commands call on a <c>ref StoreEntry</c>, e.g. <see cref="HashStore"/>,
/// reached through <see cref="KeySpace"/>), and this codec (the wire form peers exchange, e.g.
/// <see cref="HashCodec"/>). Adding a type (a list, a set) is a <see cref="ValueKind"/> member,
/// those three files, its commands, and its codec's line in <see cref="ValueCodecs.Create"/>.
/// </summary>
internal interface IValueCodec
{
    /// <summary>The value of a live entry in replication's wire form.</summary>
    byte[] Export(in StoreEntry entry);

    /// <summary>Replaces the value of a live entry with one received in wire form.</summary>
    void Import(ref StoreEntry entry, ReadOnlySpan<byte> wire);
}
