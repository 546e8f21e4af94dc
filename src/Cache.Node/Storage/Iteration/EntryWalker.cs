using Cache.Gossip.Ring;

namespace Cache.Node.Storage;

/// <summary>
/// Walks over the entry table for the key space: SCAN and KEYS, the keys of one hash slot, and
/// the paged exports of replication and anti-entropy. A cluster node keeps an index by hash slot
/// (as Redis does), so per-slot walks visit only the slot's keys; a lone node walks the table.
/// Called under the key-space lock, through <see cref="KeySpace"/>.
/// </summary>
internal sealed class EntryWalker
{
    private readonly KeySpace _keys;
    private readonly EntryTable _table;

    public EntryWalker(KeySpace keys, EntryTable table)
    {
        _keys = keys;
        _table = table;
    }

    /// <summary>True when entry <paramref name="index"/> holds a key that is neither deleted nor expired.</summary>
    public static bool IsLive(EntryTable table, int index, long now)
    {
        if (!table.IsOccupied(index))
        {
            return false;
        }

        ref var entry = ref table.EntryAt(index);
        return entry.Kind != ValueKind.Tombstone && (entry.ExpiresAt == 0 || entry.ExpiresAt > now);
    }

    /// <summary>A random live key, or null when there are none.</summary>
    public byte[]? RandomKey(Random random)
    {
        // Random probes are O(1) while the table is dense; a sweep from a random start ends it.
        for (var attempt = 0; attempt < 64 && _keys.Count > 0; attempt++)
        {
            var index = random.Next(_table.EntryLimit);
            if (IsLive(_table, index, _keys.NowMs))
            {
                return _table.KeyAt(index).ToArray();
            }

            _keys.ReclaimIfExpired(index);
        }

        if (_keys.Count == 0)
        {
            return null;
        }

        var now = _keys.NowMs;
        var start = random.Next(_table.EntryLimit);
        for (var n = 0; n < _table.EntryLimit; n++)
        {
            var index = (start + n) % _table.EntryLimit;
            if (IsLive(_table, index, now))
            {
                return _table.KeyAt(index).ToArray();
            }

            _keys.ReclaimIfExpired(index);
        }

        return null;
    }

    /// <summary>
    /// Visits live keys from entry <paramref name="cursor"/> until about <paramref name="count"/>
    /// entries holding keys were seen, or ten times that many entries were walked (as Redis bounds
    /// empty buckets), so one call stays short under the gate even over a sparse table. Returns
    /// the next cursor, 0 when the walk is over. A key that exists for the whole scan is returned
    /// exactly once (entries never move).
    /// </summary>
    public long Scan(long cursor, int count, Func<byte[], StoreEntry, bool> filter, List<byte[]> output)
    {
        var now = _keys.NowMs;
        var i = cursor is > 0 and <= int.MaxValue ? (int)cursor : 0;
        var seen = 0;
        var limit = _table.EntryLimit;
        var maxWalk = Math.Max(10L * count, 100L);
        for (long walked = 0; i < limit && seen < count && walked < maxWalk; i++, walked++)
        {
            if (!IsLive(_table, i, now))
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
        var now = _keys.NowMs;
        for (var i = 0; i < _table.EntryLimit; i++)
        {
            if (!IsLive(_table, i, now))
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

    /// <summary>Live keys (neither deleted nor expired) whose cluster slot is <paramref name="slot"/>.</summary>
    public int CountKeysInSlot(int slot)
    {
        var now = _keys.NowMs;
        var count = 0;
        if (_table.HasSlotIndex)
        {
            for (var i = _table.FirstInHashSlot(slot); i >= 0; i = _table.NextInHashSlot(i))
            {
                count += IsLive(_table, i, now) ? 1 : 0;
            }

            return count;
        }

        for (var i = 0; i < _table.EntryLimit; i++)
        {
            if (IsLive(_table, i, now) && HashSlot.ForKey(_table.KeyAt(i)) == slot)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Up to <paramref name="max"/> live keys of cluster slot <paramref name="slot"/>, in table order.</summary>
    public void KeysInSlot(int slot, long max, List<byte[]> output)
    {
        var now = _keys.NowMs;
        if (_table.HasSlotIndex)
        {
            for (var i = _table.FirstInHashSlot(slot); i >= 0 && output.Count < max; i = _table.NextInHashSlot(i))
            {
                if (IsLive(_table, i, now))
                {
                    output.Add(_table.KeyAt(i).ToArray());
                }
            }

            return;
        }

        for (var i = 0; i < _table.EntryLimit && output.Count < max; i++)
        {
            if (IsLive(_table, i, now) && HashSlot.ForKey(_table.KeyAt(i)) == slot)
            {
                output.Add(_table.KeyAt(i).ToArray());
            }
        }
    }
    /// <summary>Entries one page of an export may visit: bounds the time a page holds the key space.</summary>
    private const long MaxWalkPerPage = 65536;

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
            if (_keys.Export(key) is { } entry)
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
    /// entry removed between pages restarts its hash slot: a page may repeat entries, never skip old ones.
    /// </summary>
    public long Walk(long cursor, Func<int, bool> wanted, Func<bool> full, Action<int> visit)
    {
        long walked = 0;
        if (!_table.HasSlotIndex)
        {
            var i = (int)Math.Min(Math.Max(0, cursor), int.MaxValue);
            var limit = _table.EntryLimit;
            for (; i < limit && !full() && walked < MaxWalkPerPage; i++, walked++)
            {
                if (_table.IsOccupied(i) && wanted(HashSlot.ForKey(_table.KeyAt(i))))
                {
                    visit(i);
                }
            }

            return i >= limit ? 0 : i;
        }

        var resume = (int)(cursor & 0xFFFF_FFFF) - 1;
        for (var hashSlot = (int)Math.Min(cursor >> 32, HashSlot.Count); hashSlot < HashSlot.Count; hashSlot++, resume = -1)
        {
            walked++;
            if (!wanted(hashSlot))
            {
                continue;
            }

            var i = resume >= 0 && _table.IsOccupied(resume) && HashSlot.ForKey(_table.KeyAt(resume)) == hashSlot
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
