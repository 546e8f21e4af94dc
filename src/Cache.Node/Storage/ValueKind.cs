namespace Cache.Node.Storage;

/// <summary>The Redis type of a stored value; <see cref="Tombstone"/> marks a deleted key kept for its version.</summary>
internal enum ValueKind : byte
{
    None = 0,
    String = 1,
    Hash = 2,
    Tombstone = 3,
}
