namespace Cache.Node.Storage;

/// <summary>
/// One key's state as replicas exchange it: version, type, absolute expiry and value bytes (the
/// record's value: a string, or a hash in its blob encoding). A delete is a
/// <see cref="ValueKind.Tombstone"/> with an empty value: just another versioned entry.
/// </summary>
internal readonly record struct ReplicatedEntry(EntryVersion Version, ValueKind Kind, long ExpiresAt, ReadOnlyMemory<byte> Value)
{
    public bool IsTombstone => Kind == ValueKind.Tombstone;

    public static ReplicatedEntry Tombstone(EntryVersion version) => new(version, ValueKind.Tombstone, 0, ReadOnlyMemory<byte>.Empty);
}
