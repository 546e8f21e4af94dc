namespace Cache.Node.Storage;

/// <summary>
/// One change to one entry: its key, its version before and after, and what happened. A version
/// of <see cref="EntryVersion.None"/> before means the entry is new to the table, after means it
/// left it; equal versions mean a change the engine did not version (a command's
/// <see cref="KeySpace.Touch"/>, or an expiry that keeps its version as a tombstone). The key is
/// valid only during the call.
/// </summary>
internal readonly ref struct EntryChange
{
    public EntryChange(ReadOnlySpan<byte> key, EntryVersion before, EntryVersion after, EntryChangeKind kind)
    {
        Key = key;
        Before = before;
        After = after;
        Kind = kind;
    }

    public ReadOnlySpan<byte> Key { get; }

    public EntryVersion Before { get; }

    public EntryVersion After { get; }

    public EntryChangeKind Kind { get; }
}
