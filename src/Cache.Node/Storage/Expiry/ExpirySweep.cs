namespace Cache.Node.Storage;

/// <summary>
/// Active expiry, as Redis' cycle: a cursor over the entry table that deletes expired keys and
/// reclaims tombstones past the horizon a bounded step at a time (the lazy half is in lookups).
/// </summary>
internal sealed class ExpirySweep
{
    private readonly KeySpace _keys;
    private readonly EntryTable _table;
    private int _cursor;

    public ExpirySweep(KeySpace keys, EntryTable table)
    {
        _keys = keys;
        _table = table;
    }

    /// <summary>Starts over from the first entry (the table was cleared).</summary>
    public void Reset() => _cursor = 0;

    /// <summary>
    /// One step of active expiry: checks up to <paramref name="maxEntries"/> entries from where the
    /// last step stopped, deletes expired keys and reclaims tombstones past the horizon.
    /// Returns how many keys it deleted (tombstones not counted).
    /// </summary>
    public int Step(int maxEntries)
    {
        if (_keys.VolatileCount == 0 && _keys.TombstoneCount == 0)
        {
            return 0;
        }

        var now = _keys.NowMs;
        var tombstoneLimit = now - _keys.TombstoneHorizonMs;
        var deleted = 0;
        var limit = _table.EntryLimit;
        for (var n = 0; n < maxEntries && n < limit; n++)
        {
            if (_cursor >= limit)
            {
                _cursor = 0;
            }

            var index = _cursor++;
            if (!_table.IsOccupied(index))
            {
                continue;
            }

            ref var entry = ref _table.EntryAt(index);
            if (entry.Kind == ValueKind.Tombstone)
            {
                if (HybridLogicalClock.WallMilliseconds(entry.Version) <= tombstoneLimit)
                {
                    _keys.RemoveEntry(index, EntryChangeKind.Reclaimed);
                }
            }
            else if (entry.ExpiresAt != 0 && entry.ExpiresAt <= now)
            {
                _keys.ExpireAt(index);
                deleted++;
            }
        }

        return deleted;
    }
}
