namespace Cache.Node.Storage;

/// <summary>
/// A collection store whose values SORT can read: lists, sets and sorted sets. SORT finds it as
/// the kind's <see cref="IValueStore"/> and asks for the elements in the value's own order (a
/// list's, a set's iteration order, a sorted set's by score).
/// </summary>
internal interface ISortableValues
{
    /// <summary>Appends copies of the elements of a live entry of this kind to <paramref name="into"/>.</summary>
    void CopyElements(in StoreEntry entry, List<byte[]> into);
}
