using Cache.Gossip.Ring;

namespace Cache.Node.Storage;

/// <summary>The keys of one cluster hash slot: CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT.</summary>
internal sealed partial class KeySpace
{
    // A cluster node keeps an index by hash slot (as Redis does), so both visit only the slot's
    // keys; a lone node has none and walks the table (these are rare admin/migration commands).

    /// <summary>Live keys (neither deleted nor expired) whose cluster slot is <paramref name="slot"/>.</summary>
    public int CountKeysInSlot(int slot)
    {
        var now = NowMs;
        var count = 0;
        if (_table.HasSlotIndex)
        {
            for (var i = _table.FirstInHashSlot(slot); i >= 0; i = _table.NextInHashSlot(i))
            {
                count += IsLiveAt(i, now) ? 1 : 0;
            }

            return count;
        }

        for (var i = 0; i < _table.EntryLimit; i++)
        {
            if (IsLiveAt(i, now) && HashSlot.ForKey(_table.KeyAt(i)) == slot)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Up to <paramref name="max"/> live keys of cluster slot <paramref name="slot"/>, in table order.</summary>
    public void KeysInSlot(int slot, long max, List<byte[]> output)
    {
        var now = NowMs;
        if (_table.HasSlotIndex)
        {
            for (var i = _table.FirstInHashSlot(slot); i >= 0 && output.Count < max; i = _table.NextInHashSlot(i))
            {
                if (IsLiveAt(i, now))
                {
                    output.Add(_table.KeyAt(i).ToArray());
                }
            }

            return;
        }

        for (var i = 0; i < _table.EntryLimit && output.Count < max; i++)
        {
            if (IsLiveAt(i, now) && HashSlot.ForKey(_table.KeyAt(i)) == slot)
            {
                output.Add(_table.KeyAt(i).ToArray());
            }
        }
    }
}
