namespace Cache.Node.Storage;

/// <summary>The Redis type of a stored value; <see cref="Tombstone"/> marks a deleted key kept for its version.</summary>
/// <remarks>The numbers travel between peers (replication, anti-entropy): never renumber, only append.</remarks>
internal enum ValueKind : byte
{
    None = 0,
    String = 1,
    Hash = 2,
    Tombstone = 3,
    List = 4,
    Set = 5,
    SortedSet = 6,
    Stream = 7,
}
