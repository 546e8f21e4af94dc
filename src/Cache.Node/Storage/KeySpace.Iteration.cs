namespace Cache.Node.Storage;

/// <summary>Walking the key space: SCAN, KEYS, RANDOMKEY and the active expiry sweep.</summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Visits live keys from slot <paramref name="cursor"/> until about <paramref name="count"/>
    /// slots holding keys were seen. Returns the next cursor, 0 when the walk is over. A key that
    /// exists for the whole scan is returned exactly once (slots never move).
    /// </summary>
    public long Scan(long cursor, int count, Func<byte[], StoreEntry, bool> filter, List<byte[]> output)
    {
        var now = NowMs;
        var i = cursor is > 0 and <= int.MaxValue ? (int)cursor : 0;
        var seen = 0;
        var limit = _table.SlotLimit;
        for (; i < limit && seen < count; i++)
        {
            if (!_table.IsOccupied(i))
            {
                continue;
            }

            seen++;
            var entry = _table.ValueAt(i);
            if (entry.ExpiresAt != 0 && entry.ExpiresAt <= now)
            {
                continue;
            }

            var key = _table.KeyAt(i);
            if (filter(key, entry))
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
        for (var i = 0; i < _table.SlotLimit; i++)
        {
            if (!_table.IsOccupied(i))
            {
                continue;
            }

            var expires = _table.ValueAt(i).ExpiresAt;
            if (expires != 0 && expires <= now)
            {
                continue;
            }

            var key = _table.KeyAt(i);
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
        for (var attempt = 0; attempt < 64 && _table.Count > 0; attempt++)
        {
            var index = random.Next(_table.SlotLimit);
            if (_table.IsOccupied(index))
            {
                var key = _table.KeyAt(index);
                if (Exists(key))
                {
                    return key;
                }
            }
        }

        if (_table.Count == 0)
        {
            return null;
        }

        var start = random.Next(_table.SlotLimit);
        for (var n = 0; n < _table.SlotLimit; n++)
        {
            var index = (start + n) % _table.SlotLimit;
            if (_table.IsOccupied(index))
            {
                var key = _table.KeyAt(index);
                if (Exists(key))
                {
                    return key;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// One step of active expiry: checks up to <paramref name="maxSlots"/> slots from where
    /// the last step stopped and deletes expired keys. Returns how many it deleted.
    /// </summary>
    public int ActiveExpireCycle(int maxSlots)
    {
        if (_volatileCount == 0)
        {
            return 0;
        }

        var now = NowMs;
        var deleted = 0;
        var limit = _table.SlotLimit;
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

            var expires = _table.ValueAt(index).ExpiresAt;
            if (expires != 0 && expires <= now)
            {
                ExpireAt(index);
                deleted++;
            }
        }

        return deleted;
    }
}
