namespace Cache.Node.Storage;

/// <summary>Sorted-set values, through the sorted-set module (<see cref="SortedSetStore"/>).</summary>
internal sealed partial class KeySpace
{
    private readonly SortedSetStore _sortedSets;

    /// <summary>The sorted-set store: commands reach a set's members through it (see <see cref="SortedSetHandle"/>).</summary>
    internal SortedSetStore SortedSets => _sortedSets;
}
