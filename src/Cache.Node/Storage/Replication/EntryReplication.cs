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
    /// Later local writes get versions above the one applied. Ours is compared by its version,
    /// not exported: only a tie between two live values of the same kind and expiry reads the
    /// value, and then only a packed one (a large collection at the same version is the same
    /// write; exporting it to break a tie that cannot differ would cost the whole value).
    /// </summary>
    public bool Apply(ReadOnlySpan<byte> key, in ReplicatedEntry incoming)
    {
        _clock.Observe(incoming.Version.Clock);
        var index = _table.IndexOf(key);
        if (index >= 0 && !Replaces(index, incoming))
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

    // EntryMerge.Replaces against what Export would give for entry index, without the export.
    private bool Replaces(int index, in ReplicatedEntry incoming)
    {
        ref var entry = ref _table.EntryAt(index);
        var order = incoming.Version.CompareTo(new EntryVersion(entry.Version, entry.Node));
        if (order != 0)
        {
            return order > 0;
        }

        var expired = entry.Kind != ValueKind.Tombstone && entry.ExpiresAt != 0 && entry.ExpiresAt <= _keys.NowMs;
        if (expired && !_keys.KeepsTombstones)
        {
            return false;   // an expired entry still holds its version: the same write must not bring it back
        }

        var kind = expired ? ValueKind.Tombstone : entry.Kind;
        var expiresAt = kind == ValueKind.Tombstone ? 0 : entry.ExpiresAt;
        order = incoming.Kind.CompareTo(kind);
        if (order == 0)
        {
            order = incoming.ExpiresAt.CompareTo(expiresAt);
        }

        if (order != 0 || kind == ValueKind.Tombstone)
        {
            return order > 0;
        }

        if ((entry.Flags & EntryFlags.External) != 0)
        {
            return false;
        }

        var value = _keys.CodecFor(entry.Kind)?.Export(entry) ?? _keys.ValueOf(entry).ToArray();
        return incoming.Value.Span.SequenceCompareTo(value) > 0;
    }

    /// <summary>
    /// The version, kind and expiry of the live entry of <paramref name="key"/> (not expired), and
    /// its size as MEMORY USAGE counts it; false when there is none.
    /// </summary>
    public bool TryPeek(ReadOnlySpan<byte> key, out ReplicatedEntry header, out long bytes)
    {
        (header, bytes) = (default, 0);
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return false;
        }

        ref var entry = ref _table.EntryAt(index);
        if (entry.Kind == ValueKind.Tombstone || (entry.ExpiresAt != 0 && entry.ExpiresAt <= _keys.NowMs))
        {
            return false;
        }

        header = new ReplicatedEntry(new EntryVersion(entry.Version, entry.Node), entry.Kind, entry.ExpiresAt, ReadOnlyMemory<byte>.Empty);
        bytes = _keys.MemoryUsageOf(entry);
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
