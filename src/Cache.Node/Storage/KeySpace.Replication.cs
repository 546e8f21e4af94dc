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
        AssertHeld();
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

        if (entry.ExpiresAt != 0 && entry.ExpiresAt <= NowMs)
        {
            // Expired: in a cluster, the tombstone it becomes (same version), so a replica holding
            // an older value takes the expiry instead of sending the old value back.
            return KeepsTombstones ? ReplicatedEntry.Tombstone(version) : null;
        }

        var value = CodecFor(entry.Kind)?.Export(entry) ?? ValueOf(entry).ToArray();
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
        _stampKind = EntryChangeKind.Merged;
        try
        {
            Merge(key, index, incoming);
        }
        finally
        {
            _stampKind = EntryChangeKind.Written;
        }

        return true;
    }

    private void Merge(ReadOnlySpan<byte> key, int index, in ReplicatedEntry incoming)
    {
        if (incoming.IsTombstone)
        {
            if (index < 0)
            {
                index = _table.Add(key, 0);
                _eviction.Added(index);
                _tombstoneCount++;
                ref var fresh = ref _table.EntryAt(index);
                fresh.Kind = ValueKind.Tombstone;
                SetVersion(ref fresh, incoming.Version.Clock, incoming.Version.Node, EntryChangeKind.Merged);
            }
            else if (_table.EntryAt(index).Kind == ValueKind.Tombstone)
            {
                ref var stone = ref _table.EntryAt(index);
                SetVersion(ref stone, incoming.Version.Clock, incoming.Version.Node, EntryChangeKind.Merged);
            }
            else
            {
                MakeTombstone(index, incoming.Version.Clock, incoming.Version.Node, EntryChangeKind.Merged);
            }

            return;
        }

        ref var entry = ref GetOrAdd(key, out _);
        if (CodecFor(incoming.Kind) is { } codec)
        {
            codec.Import(ref entry, incoming.Value.Span);
        }
        else
        {
            SetValue(ref entry, incoming.Value.Span, incoming.Kind);
        }

        SetExpiry(ref entry, incoming.ExpiresAt);
        SetVersion(ref entry, incoming.Version.Clock, incoming.Version.Node, EntryChangeKind.Merged);
    }

    /// <summary>
    /// Removes <paramref name="key"/> if it still holds <paramref name="version"/> (an entry handed to
    /// the slot's owners); no tombstone: the owners hold it. False when it changed or is gone.
    /// </summary>
    public bool DropIfUnchanged(ReadOnlySpan<byte> key, EntryVersion version)
    {
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

    /// <summary>Entries one page of an export may visit: bounds the time a page holds the key space.</summary>
    private const long MaxWalkPerPage = 65536;

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
        // A page also ends once its values reach maxBytes, so a page of large values stays bounded.
        long bytes = 0;
        return Walk(cursor, wanted, () => output.Count >= maxEntries || bytes >= maxBytes, index =>
        {
            var key = _table.KeyAt(index);
            if (Export(key) is { } entry)
            {
                output.Add((key.ToArray(), entry));
                bytes += key.Length + entry.Value.Length;
            }
        });
    }

    /// <summary>
    /// The leaves of the digest tree for the slots <paramref name="wanted"/> accepts: per entry
    /// (tombstones included), its key and its contribution to the slot digest (key, version,
    /// writer), without the value. Paged as <see cref="ExportWhere"/>.
    /// </summary>
    public long ExportLeaves(long cursor, int maxLeaves, Func<int, bool> wanted, List<(byte[] Key, ulong EntryHash)> output) =>
        Walk(cursor, wanted, () => output.Count >= maxLeaves, index =>
        {
            ref var entry = ref _table.EntryAt(index);
            if (entry.Version != 0)
            {
                var key = _table.KeyAt(index);
                output.Add((key.ToArray(), SlotDigests.Leaf(key, new EntryVersion(entry.Version, entry.Node))));
            }
        });

    /// <summary>
    /// Visits the entries of the wanted hash slots from <paramref name="cursor"/> until
    /// <paramref name="full"/> or <see cref="MaxWalkPerPage"/> visits; returns where to resume, 0
    /// at the end. With the slot index the cursor is (hash slot &lt;&lt; 32 | entry + 1) and only
    /// wanted slots are visited; without it, a table index, and the whole table is walked. An
    /// entry removed between pages restarts its slot: a page may repeat entries, never skip old ones.
    /// </summary>
    private long Walk(long cursor, Func<int, bool> wanted, Func<bool> full, Action<int> visit)
    {
        long walked = 0;
        if (!_table.HasSlotIndex)
        {
            var i = (int)Math.Min(Math.Max(0, cursor), int.MaxValue);
            var limit = _table.EntryLimit;
            for (; i < limit && !full() && walked < MaxWalkPerPage; i++, walked++)
            {
                if (_table.IsOccupied(i) && wanted(Cache.Gossip.Ring.HashSlot.ForKey(_table.KeyAt(i))))
                {
                    visit(i);
                }
            }

            return i >= limit ? 0 : i;
        }

        var resume = (int)(cursor & 0xFFFF_FFFF) - 1;
        for (var hashSlot = (int)Math.Min(cursor >> 32, Cache.Gossip.Ring.HashSlot.Count); hashSlot < Cache.Gossip.Ring.HashSlot.Count; hashSlot++, resume = -1)
        {
            walked++;
            if (!wanted(hashSlot))
            {
                continue;
            }

            var i = resume >= 0 && _table.IsOccupied(resume) && Cache.Gossip.Ring.HashSlot.ForKey(_table.KeyAt(resume)) == hashSlot
                ? resume
                : _table.FirstInHashSlot(hashSlot);
            for (; i >= 0; i = _table.NextInHashSlot(i), walked++)
            {
                if (full() || walked >= MaxWalkPerPage)
                {
                    return ((long)hashSlot << 32) | (uint)(i + 1);
                }

                visit(i);
            }
        }

        return 0;
    }
}
