namespace Cache.Node.Storage;

/// <summary>List values, through the list module (<see cref="ListStore"/>).</summary>
internal sealed partial class KeySpace
{
    private readonly ListStore _lists;

    /// <summary>The list store: commands call its operations on a list entry found here.</summary>
    public ListStore Lists => _lists;
}
