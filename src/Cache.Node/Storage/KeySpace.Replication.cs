namespace Cache.Node.Storage;

/// <summary>
/// The replication surface: a key's versioned state out and a peer's state in
/// (<see cref="EntryReplication"/>), hand-off's drop, the capture of a command's writes, and the
/// paged exports of hash slots.
/// </summary>
internal sealed partial class KeySpace
{
    /// <summary>The versioned state of <paramref name="key"/> (a tombstone after a delete), or null when unknown.</summary>
    public ReplicatedEntry? Export(ReadOnlySpan<byte> key)
    {
        AssertHeld();
        return _replication.Export(key);
    }

    /// <summary>
    /// Merges a peer's state of <paramref name="key"/> into this node; true when it replaced ours.
    /// Later local writes get versions above the one applied.
    /// </summary>
    public bool Apply(ReadOnlySpan<byte> key, in ReplicatedEntry incoming)
    {
        AssertHeld();
        return _replication.Apply(key, incoming);
    }

    /// <summary>
    /// Removes <paramref name="key"/> if it still holds <paramref name="version"/> (an entry handed to
    /// the slot's owners); no tombstone: the owners hold it. False when it changed or is gone.
    /// </summary>
    public bool DropIfUnchanged(ReadOnlySpan<byte> key, EntryVersion version)
    {
        AssertHeld();
        var index = _table.IndexOf(key);
        if (index < 0 || new EntryVersion(_table.EntryAt(index).Version, _table.EntryAt(index).Node) != version)
        {
            return false;
        }

        RemoveEntry(index, EntryChangeKind.HandedOff);
        return true;
    }

    /// <summary>Starts recording the keys every write changes (a primary replicates them after the command).</summary>
    public void BeginCapture() => _observers.Capture.Begin();

    /// <summary>Stops recording; the keys changed since <see cref="BeginCapture"/>, possibly repeated.</summary>
    public List<byte[]> EndCapture() => _observers.Capture.End();

    /// <summary>Starts the index by cluster hash slot (a cluster node's exports then visit only the slots asked for).</summary>
    public void EnableSlotIndex() => _table.EnableSlotIndex();

    /// <summary>
    /// Exports keys (live ones and tombstones) whose hash slot <paramref name="wanted"/> accepts,
    /// from <paramref name="cursor"/> until <paramref name="maxEntries"/> were found or a page's
    /// walk ends; returns the next cursor, 0 at the end.
    /// </summary>
    public long ExportWhere(long cursor, int maxEntries, Func<int, bool> wanted, List<(byte[] Key, ReplicatedEntry Entry)> output,
        long maxBytes = long.MaxValue)
    {
        AssertHeld();
        return _walker.ExportWhere(cursor, maxEntries, wanted, output, maxBytes);
    }

    /// <summary>
    /// The leaves of the digest tree for the slots <paramref name="wanted"/> accepts: per entry
    /// (tombstones included), its key and its contribution to the slot digest (key, version,
    /// writer), without the value. Paged as <see cref="ExportWhere"/>.
    /// </summary>
    public long ExportLeaves(long cursor, int maxLeaves, Func<int, bool> wanted, List<(byte[] Key, ulong EntryHash)> output)
    {
        AssertHeld();
        return _walker.ExportLeaves(cursor, maxLeaves, wanted, output);
    }
}
