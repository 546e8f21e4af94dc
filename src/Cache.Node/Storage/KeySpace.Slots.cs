using Cache.Gossip.Ring;

namespace Cache.Node.Storage;

/// <summary>The keys of one cluster hash slot: CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT.</summary>
internal sealed partial class KeySpace
{
    // The table is indexed by its own hash, not by cluster slot, so both walks are O(keys) under
    // the gate. Redis keeps a per-slot index for these; they are rare admin/migration commands
    // here and a slot index would cost every write, so a scan is the better trade for now.

    /// <summary>Live keys (neither deleted nor expired) whose cluster slot is <paramref name="slot"/>.</summary>
    public int CountKeysInSlot(int slot)
    {
        var now = NowMs;
        var count = 0;
        for (var i = 0; i < _table.SlotLimit; i++)
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
        for (var i = 0; i < _table.SlotLimit && output.Count < max; i++)
        {
            if (IsLiveAt(i, now) && HashSlot.ForKey(_table.KeyAt(i)) == slot)
            {
                output.Add(_table.KeyAt(i).ToArray());
            }
        }
    }
}
