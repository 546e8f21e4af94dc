namespace Cache.Node.Storage;

/// <summary>Walking the key space: SCAN, KEYS, RANDOMKEY and the active expiry sweep (<see cref="EntryWalker"/>, <see cref="ExpirySweep"/>).</summary>
internal sealed partial class KeySpace
{
    /// <summary>
    /// Visits live keys from entry <paramref name="cursor"/> until about <paramref name="count"/>
    /// entries holding keys were seen, or ten times that many were walked; returns the next
    /// cursor, 0 when the walk is over (see <see cref="EntryWalker.Scan"/>).
    /// </summary>
    public long Scan(long cursor, int count, Func<byte[], StoreEntry, bool> filter, List<byte[]> output)
    {
        AssertHeld();
        return _walker.Scan(cursor, count, filter, output);
    }

    /// <summary>Every live key for which <paramref name="filter"/> holds.</summary>
    public void CollectKeys(Func<byte[], bool> filter, List<byte[]> output)
    {
        AssertHeld();
        _walker.CollectKeys(filter, output);
    }

    /// <summary>A random live key, or null when there are none.</summary>
    public byte[]? RandomKey(Random random)
    {
        AssertHeld();
        return _walker.RandomKey(random);
    }

    /// <summary>
    /// One step of active expiry: checks up to <paramref name="maxEntries"/> entries from where the
    /// last step stopped (see <see cref="ExpirySweep"/>). Returns how many keys it deleted.
    /// </summary>
    public int ActiveExpireCycle(int maxEntries)
    {
        AssertHeld();
        return ActiveExpiry ? _expiry.Step(maxEntries) : 0;
    }

    /// <summary>Whether <see cref="ActiveExpireCycle"/> deletes anything (DEBUG SET-ACTIVE-EXPIRE 0 turns it off; reads still expire keys).</summary>
    public bool ActiveExpiry { get; set; } = true;

    /// <summary>Deletes the key of entry <paramref name="index"/> if it has expired (as a read of it would).</summary>
    internal void ReclaimIfExpired(int index)
    {
        if (_table.IsOccupied(index) && _table.EntryAt(index) is { Kind: not ValueKind.Tombstone, ExpiresAt: not 0 } entry && entry.ExpiresAt <= NowMs)
        {
            ExpireAt(index);
        }
    }
}
