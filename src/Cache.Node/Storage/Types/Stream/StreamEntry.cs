namespace Cache.Node.Storage;

/// <summary>
/// One stream entry as it lies in its block: its id and its field-value pairs, packed as
/// length-prefixed strings (field, value, field, value ...). Valid until the stream is next written.
/// </summary>
internal readonly ref struct StreamEntry(StreamId id, int fieldCount, ReadOnlySpan<byte> pairs)
{
    public StreamId Id { get; } = id;

    /// <summary>Number of field-value pairs.</summary>
    public int FieldCount { get; } = fieldCount;

    /// <summary>The pairs, packed (see <see cref="StreamBytes.ReadString"/>).</summary>
    public ReadOnlySpan<byte> Pairs { get; } = pairs;
}
