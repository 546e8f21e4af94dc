namespace Cache.Node.Storage;

/// <summary>Set values, through the set module (<see cref="SetStore"/>); commands reach them here.</summary>
internal sealed partial class KeySpace
{
    private readonly SetStore _sets;

    /// <summary>The set module: membership, adds and removes, walks, random members, SSCAN steps and whole-set writes.</summary>
    internal SetStore Sets => _sets;
}
