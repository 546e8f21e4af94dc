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

    /// <summary>How far ahead of this node's clock a peer's version may be (<see cref="ClockBound"/>).</summary>
    public ClockBound RemoteClocks { get; }

    /// <summary>
    /// Merges a peer's state of <paramref name="key"/> into this node; true when it replaced ours.
    /// Later local writes get versions above the one applied. A version too far ahead of this
    /// node's clock (<see cref="RemoteClocks"/>) is refused: false, nothing changes.
    /// </summary>
    public bool Apply(ReadOnlySpan<byte> key, in ReplicatedEntry incoming)
    {
        AssertHeld();
        return RemoteClocks.Admits(incoming.Version.Clock) && _replication.Apply(key, incoming);
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

    /// <summary>Per key <see cref="EndCapture"/> returned: its version before the command (a delta's base), or none.</summary>
    public IReadOnlyList<EntryVersion> CapturedBases => _observers.Capture.Bases;

    /// <summary>
    /// The version, kind and expiry of the live entry of <paramref name="key"/> (the value left
    /// empty, not exported) and its size as MEMORY USAGE counts it; false when missing or expired.
    /// </summary>
    public bool TryPeek(ReadOnlySpan<byte> key, out ReplicatedEntry header, out long bytes)
    {
        AssertHeld();
        return _replication.TryPeek(key, out header, out bytes);
    }

    /// <summary>The version of the entry of <paramref name="key"/> (live, expired or a tombstone), or none when absent.</summary>
    public EntryVersion VersionOf(ReadOnlySpan<byte> key)
    {
        AssertHeld();
        var index = _table.IndexOf(key);
        return index < 0 ? EntryVersion.None : new EntryVersion(_table.EntryAt(index).Version, _table.EntryAt(index).Node);
    }

    /// <summary>
    /// From here to <see cref="EndForcedMerge"/>, every version stamped is <paramref name="version"/>,
    /// reported as <see cref="EntryChangeKind.Merged"/>: a replica re-running its primary's command
    /// (a delta) ends with the primary's version. Later local writes get higher versions.
    /// </summary>
    public void BeginForcedMerge(EntryVersion version)
    {
        AssertHeld();
        _clock.Observe(version.Clock);
        ForcedVersion = version;
        StampKind = EntryChangeKind.Merged;
    }

    /// <summary>Ends what <see cref="BeginForcedMerge"/> began.</summary>
    public void EndForcedMerge()
    {
        ForcedVersion = null;
        StampKind = EntryChangeKind.Written;
    }

    /// <summary>Sets the absolute expiry of a live entry under a version forced by <see cref="BeginForcedMerge"/>.</summary>
    public void SetExpiryOf(ReadOnlySpan<byte> key, long expiresAt)
    {
        ref var entry = ref Lookup(key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
        {
            SetExpiry(ref entry, expiresAt);
        }
    }

    /// <summary>Removes <paramref name="key"/> outright, live or tombstone (a delta that went wrong: the full value follows).</summary>
    public void Forget(ReadOnlySpan<byte> key)
    {
        AssertHeld();
        var index = _table.IndexOf(key);
        if (index >= 0)
        {
            RemoveEntry(index, EntryChangeKind.Merged);
        }
    }

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
