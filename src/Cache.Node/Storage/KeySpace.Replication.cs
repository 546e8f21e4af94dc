namespace Cache.Node.Storage;

/// <summary>
/// The replication surface: a key's versioned state out, and a peer's state in through the one
/// merge rule (<see cref="EntryMerge"/>). Tombstones export as tombstones until reclaimed; expired
/// keys export as the tombstone they become in a cluster (nothing on a lone node).
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
            // Expired: in a cluster, the tombstone it becomes (same version), so a replica holding
            // an older value takes the expiry instead of sending the old value back.
            return TombstoneHorizonMs > 0 ? ReplicatedEntry.Tombstone(version) : null;
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

        // An entry that expired here but is not reclaimed yet still holds its version: an older
        // write arriving late must not bring back the value the newer one replaced.
        var index = _table.IndexOf(key);
        if (current is null && index >= 0 && new EntryVersion(_table.SlotAt(index).Version, _table.SlotAt(index).Node) >= incoming.Version)
        {
            return false;
        }

        if (incoming.IsTombstone)
        {
            if (index < 0)
            {
                index = _table.Add(key, 0);
                SieveAdded(index);
                _tombstoneCount++;
                ref var fresh = ref _table.SlotAt(index);
                fresh.Kind = ValueKind.Tombstone;
                SetVersion(ref fresh, incoming.Version.Clock, incoming.Version.Node);
            }
            else if (_table.SlotAt(index).Kind == ValueKind.Tombstone)
            {
                ref var stone = ref _table.SlotAt(index);
                SetVersion(ref stone, incoming.Version.Clock, incoming.Version.Node);
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
        SetVersion(ref entry, incoming.Version.Clock, incoming.Version.Node);
        Touch(key);
        return true;
    }

    private List<byte[]>? _captured;
    private bool _capturing;

    /// <summary>Starts recording the keys every write touches (a primary replicates them after the command).</summary>
    public void BeginCapture()
    {
        _captured ??= [];
        _captured.Clear();
        _capturing = true;
    }

    /// <summary>Stops recording; the keys touched since <see cref="BeginCapture"/>, possibly repeated.</summary>
    public List<byte[]> EndCapture()
    {
        _capturing = false;
        return _captured!;
    }

    private void Captured(ReadOnlySpan<byte> key) => _captured!.Add(key.ToArray());

    /// <summary>Table slots one page of an export may walk: bounds the time a page holds the key space.</summary>
    private const long MaxWalkPerPage = 65536;

    /// <summary>
    /// Exports keys (live ones and tombstones) whose hash slot <paramref name="wanted"/> accepts,
    /// walking table slots from <paramref name="cursor"/> until <paramref name="maxEntries"/> were
    /// found or <see cref="MaxWalkPerPage"/> slots were walked; returns the next cursor, 0 at the end.
    /// </summary>
    public int ExportWhere(int cursor, int maxEntries, Func<int, bool> wanted, List<(byte[] Key, ReplicatedEntry Entry)> output)
    {
        var i = Math.Max(0, cursor);
        var limit = _table.SlotLimit;
        var maxWalk = MaxWalkPerPage;
        for (long walked = 0; i < limit && output.Count < maxEntries && walked < maxWalk; i++, walked++)
        {
            if (!_table.IsOccupied(i))
            {
                continue;
            }

            var key = _table.KeyAt(i);
            if (!wanted(Cache.Gossip.Ring.HashSlot.ForKey(key)))
            {
                continue;
            }

            if (Export(key) is { } entry)
            {
                output.Add((key.ToArray(), entry));
            }
        }

        return i >= limit ? 0 : i;
    }

    /// <summary>
    /// The leaves of the digest tree for the slots <paramref name="wanted"/> accepts: per entry
    /// (tombstones included), its key and its contribution to the slot digest (key, version,
    /// writer), without the value. Paged as <see cref="ExportWhere"/>.
    /// </summary>
    public int ExportLeaves(int cursor, int maxLeaves, Func<int, bool> wanted, List<(byte[] Key, ulong EntryHash)> output)
    {
        var i = Math.Max(0, cursor);
        var limit = _table.SlotLimit;
        for (long walked = 0; i < limit && output.Count < maxLeaves && walked < MaxWalkPerPage; i++, walked++)
        {
            if (!_table.IsOccupied(i) || _table.SlotAt(i).Version == 0)
            {
                continue;
            }

            var key = _table.KeyAt(i);
            if (wanted(Cache.Gossip.Ring.HashSlot.ForKey(key)))
            {
                ref var entry = ref _table.SlotAt(i);
                output.Add((key.ToArray(), Contribution(K4os.Hash.xxHash.XXH64.DigestOf(key), entry.Version, entry.Node)));
            }
        }

        return i >= limit ? 0 : i;
    }
}
