namespace Cache.Node.Storage;

/// <summary>
/// Entries as replication sees them: a key's versioned state out, and a peer's state in through
/// the one merge rule (<see cref="EntryMerge"/>). Tombstones export as tombstones until
/// reclaimed; expired keys export as the tombstone they become in a cluster (nothing on a lone
/// node). Values cross in their type's wire form (<see cref="IValueCodec"/>).
/// </summary>
internal sealed class EntryReplication
{
    private readonly KeySpace _keys;
    private readonly EntryTable _table;
    private readonly HybridLogicalClock _clock;

    public EntryReplication(KeySpace keys, EntryTable table, HybridLogicalClock clock)
    {
        _keys = keys;
        _table = table;
        _clock = clock;
    }

    /// <summary>The versioned state of <paramref name="key"/> (a tombstone after a delete), or null when unknown.</summary>
    public ReplicatedEntry? Export(ReadOnlySpan<byte> key)
    {
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return null;
        }

        ref var entry = ref _table.EntryAt(index);
        var version = new EntryVersion(entry.Version, entry.Node);
        if (entry.Kind == ValueKind.Tombstone)
        {
            return ReplicatedEntry.Tombstone(version);
        }

        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= _keys.NowMs)
        {
            // Expired: in a cluster, the tombstone it becomes (same version), so a replica holding
            // an older value takes the expiry instead of sending the old value back.
            return _keys.KeepsTombstones ? ReplicatedEntry.Tombstone(version) : null;
        }

        var value = _keys.CodecFor(entry.Kind)?.Export(entry) ?? _keys.ValueOf(entry).ToArray();
        return new ReplicatedEntry(version, entry.Kind, entry.ExpiresAt, value);
    }

    /// <summary>
    /// Merges a peer's state of <paramref name="key"/> into this node; true when it replaced ours.
    /// Later local writes get versions above the one applied.
    /// </summary>
    public bool Apply(ReadOnlySpan<byte> key, in ReplicatedEntry incoming)
    {
        _clock.Observe(incoming.Version.Clock);
        var current = Export(key);
        if (current is { } existing && !EntryMerge.Replaces(incoming, existing))
        {
            return false;
        }

        // An entry that expired here but is not reclaimed yet still holds its version: an older
        // write arriving late must not bring back the value the newer one replaced.
        var index = _table.IndexOf(key);
        if (current is null && index >= 0 && new EntryVersion(_table.EntryAt(index).Version, _table.EntryAt(index).Node) >= incoming.Version)
        {
            return false;
        }

        // Every version the merge stamps on the way reports as Merged, not as a local write.
        _keys.StampKind = EntryChangeKind.Merged;
        try
        {
            Merge(key, index, incoming);
        }
        finally
        {
            _keys.StampKind = EntryChangeKind.Written;
        }

        return true;
    }

    private void Merge(ReadOnlySpan<byte> key, int index, in ReplicatedEntry incoming)
    {
        if (incoming.IsTombstone)
        {
            if (index < 0)
            {
                _keys.AddTombstone(key, incoming.Version, EntryChangeKind.Merged);
            }
            else if (_table.EntryAt(index).Kind == ValueKind.Tombstone)
            {
                ref var stone = ref _table.EntryAt(index);
                _keys.SetVersion(ref stone, incoming.Version.Clock, incoming.Version.Node, EntryChangeKind.Merged);
            }
            else
            {
                _keys.MakeTombstone(index, incoming.Version.Clock, incoming.Version.Node, EntryChangeKind.Merged);
            }

            return;
        }

        ref var entry = ref _keys.GetOrAdd(key, out _);
        if (_keys.CodecFor(incoming.Kind) is { } codec)
        {
            codec.Import(ref entry, incoming.Value.Span);
        }
        else
        {
            _keys.SetValue(ref entry, incoming.Value.Span, incoming.Kind);
        }

        _keys.SetExpiry(ref entry, incoming.ExpiresAt);
        _keys.SetVersion(ref entry, incoming.Version.Clock, incoming.Version.Node, EntryChangeKind.Merged);
    }
}
