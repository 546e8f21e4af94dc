namespace Cache.Node.Storage;

/// <summary>Walking the key space: SCAN, KEYS, RANDOMKEY and the active expiry sweep.</summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Visits live keys from slot <paramref name="cursor"/> until about <paramref name="count"/>
    /// slots holding keys were seen, or ten times that many slots were walked (as Redis bounds
    /// empty buckets), so one call stays short under the gate even over a sparse table. Returns
    /// the next cursor, 0 when the walk is over. A key that exists for the whole scan is returned
    /// exactly once (slots never move).
    /// </summary>
    public long Scan(long cursor, int count, Func<byte[], StoreEntry, bool> filter, List<byte[]> output)
    {
        var now = NowMs;
        var i = cursor is > 0 and <= int.MaxValue ? (int)cursor : 0;
        var seen = 0;
        var limit = _table.EntryLimit;
        var maxWalk = Math.Max(10L * count, 100L);
        for (long walked = 0; i < limit && seen < count && walked < maxWalk; i++, walked++)
        {
            if (!IsLiveAt(i, now))
            {
                continue;
            }

            seen++;
            var key = _table.KeyAt(i).ToArray();
            if (filter(key, _table.EntryAt(i)))
            {
                output.Add(key);
            }
        }

        return i >= limit ? 0 : i;
    }

    /// <summary>Every live key for which <paramref name="filter"/> holds.</summary>
    public void CollectKeys(Func<byte[], bool> filter, List<byte[]> output)
    {
        var now = NowMs;
        for (var i = 0; i < _table.EntryLimit; i++)
        {
            if (!IsLiveAt(i, now))
            {
                continue;
            }

            var key = _table.KeyAt(i).ToArray();
            if (filter(key))
            {
                output.Add(key);
            }
        }
    }

    /// <summary>A random live key, or null when there are none.</summary>
    public byte[]? RandomKey(Random random)
    {
        // Random probes are O(1) while the table is dense; a sweep from a random start ends it.
        for (var attempt = 0; attempt < 64 && Count > 0; attempt++)
        {
            var index = random.Next(_table.EntryLimit);
            if (IsLiveAt(index, NowMs))
            {
                return _table.KeyAt(index).ToArray();
            }

            ReclaimIfExpired(index);
        }

        if (Count == 0)
        {
            return null;
        }

        var now = NowMs;
        var start = random.Next(_table.EntryLimit);
        for (var n = 0; n < _table.EntryLimit; n++)
        {
            var index = (start + n) % _table.EntryLimit;
            if (IsLiveAt(index, now))
            {
                return _table.KeyAt(index).ToArray();
            }

            ReclaimIfExpired(index);
        }

        return null;
    }

    /// <summary>
    /// One step of active expiry: checks up to <paramref name="maxSlots"/> slots from where the
    /// last step stopped, deletes expired keys and reclaims tombstones past the horizon.
    /// Returns how many keys it deleted (tombstones not counted).
    /// </summary>
    public int ActiveExpireCycle(int maxSlots)
    {
        if (_volatileCount == 0 && _tombstoneCount == 0)
        {
            return 0;
        }

        var now = NowMs;
        var tombstoneLimit = now - TombstoneHorizonMs;
        var deleted = 0;
        var limit = _table.EntryLimit;
        for (var n = 0; n < maxSlots && n < limit; n++)
        {
            if (_expireCursor >= limit)
            {
                _expireCursor = 0;
            }

            var index = _expireCursor++;
            if (!_table.IsOccupied(index))
            {
                continue;
            }

            ref var entry = ref _table.EntryAt(index);
            if (entry.Kind == ValueKind.Tombstone)
            {
                if (HybridLogicalClock.WallMilliseconds(entry.Version) <= tombstoneLimit)
                {
                    RemoveEntry(index, EntryChangeKind.Reclaimed);
                }
            }
            else if (entry.ExpiresAt != 0 && entry.ExpiresAt <= now)
            {
                ExpireAt(index);
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Deletes the key in slot <paramref name="index"/> if it has expired (as a read of it would).</summary>
    private void ReclaimIfExpired(int index)
    {
        if (_table.IsOccupied(index) && _table.EntryAt(index) is { Kind: not ValueKind.Tombstone, ExpiresAt: not 0 } entry && entry.ExpiresAt <= NowMs)
        {
            ExpireAt(index);
        }
    }

    /// <summary>True when slot <paramref name="index"/> holds a key that is neither deleted nor expired.</summary>
    private bool IsLiveAt(int index, long now)
    {
        if (!_table.IsOccupied(index))
        {
            return false;
        }

        ref var entry = ref _table.EntryAt(index);
        return entry.Kind != ValueKind.Tombstone && (entry.ExpiresAt == 0 || entry.ExpiresAt > now);
    }
}
