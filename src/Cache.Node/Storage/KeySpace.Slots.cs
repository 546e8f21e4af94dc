namespace Cache.Node.Storage;

/// <summary>The keys of one cluster hash slot: CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT.</summary>
internal sealed partial class KeySpace
{
    /// <summary>Live keys (neither deleted nor expired) whose cluster slot is <paramref name="slot"/>.</summary>
    public int CountKeysInSlot(int slot)
    {
        AssertHeld();
        return _walker.CountKeysInSlot(slot);
    }

    /// <summary>Up to <paramref name="max"/> live keys of cluster slot <paramref name="slot"/>, in table order.</summary>
    public void KeysInSlot(int slot, long max, List<byte[]> output)
    {
        AssertHeld();
        _walker.KeysInSlot(slot, max, output);
    }
}
