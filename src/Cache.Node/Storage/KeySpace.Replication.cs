namespace Cache.Node.Storage;

/// <summary>
/// The replication surface: a key's versioned state out, and a peer's state in through the one
/// merge rule (<see cref="EntryMerge"/>). Expired keys export as nothing; tombstones export as
/// tombstones until reclaimed.
/// </summary>
internal sealed partial class KeySpace
{
    /// <summary>The versioned state of <paramref name="key"/> (a tombstone after a delete), or null when unknown.</summary>
    public ReplicatedEntry? Export(ReadOnlySpan<byte> key)
    {
        var index = _table.IndexOf(key);
        if (index < 0)
        {
            return null;
        }

        ref var entry = ref _table.SlotAt(index);
        var version = new EntryVersion(entry.Version, entry.Node);
        if (entry.Kind == ValueKind.Tombstone)
        {
            return ReplicatedEntry.Tombstone(version);
        }

        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            return null;
        }

        var value = entry.Kind == ValueKind.Hash ? HashToBlob(entry) : ValueOf(entry).ToArray();
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

        var index = _table.IndexOf(key);
        if (incoming.IsTombstone)
        {
            if (index < 0)
            {
                index = _table.Add(key, 0);
                SieveAdded(index);
                _tombstoneCount++;
                ref var fresh = ref _table.SlotAt(index);
                fresh.Kind = ValueKind.Tombstone;
                fresh.Version = incoming.Version.Clock;
                fresh.Node = incoming.Version.Node;
            }
            else if (_table.SlotAt(index).Kind == ValueKind.Tombstone)
            {
                ref var stone = ref _table.SlotAt(index);
                stone.Version = incoming.Version.Clock;
                stone.Node = incoming.Version.Node;
            }
            else
            {
                MakeTombstone(index, incoming.Version.Clock, incoming.Version.Node);
            }

            Touch(key);
            return true;
        }

        ref var entry = ref GetOrAdd(key, out _);
        if (incoming.Kind == ValueKind.Hash)
        {
            HashFromBlob(ref entry, incoming.Value.Span);
        }
        else
        {
            SetValue(ref entry, incoming.Value.Span, incoming.Kind);
        }

        SetExpiry(ref entry, incoming.ExpiresAt);
        entry.Version = incoming.Version.Clock;
        entry.Node = incoming.Version.Node;
        Touch(key);
        return true;
    }
}
