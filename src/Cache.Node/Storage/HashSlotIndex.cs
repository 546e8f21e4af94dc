namespace Cache.Node.Storage;

/// <summary>
/// The entries of each cluster hash slot, chained through two <c>int[]</c> parallel to the entry
/// table (on in a cluster): per hash slot the 1-based index of its first entry, per entry its
/// 1-based neighbours in its hash slot's chain (0 = none). The table links an entry when it adds
/// it and unlinks it when it frees it: the index follows positions, which only the table knows.
/// </summary>
internal sealed class HashSlotIndex
{
    private readonly int[] _heads = new int[Cache.Gossip.Ring.HashSlot.Count];
    private int[] _next;
    private int[] _previous;

    public HashSlotIndex(int capacity)
    {
        _next = new int[capacity];
        _previous = new int[capacity];
    }

    /// <summary>Bytes of the arrays (the heads and, per table entry, two links).</summary>
    public long Bytes => ((long)_heads.Length + _next.Length + _previous.Length) * sizeof(int);

    /// <summary>What <see cref="Bytes"/> is for a table of <paramref name="capacity"/> entries.</summary>
    public static long BytesFor(int capacity) => ((long)Cache.Gossip.Ring.HashSlot.Count + (2L * capacity)) * sizeof(int);

    /// <summary>The first entry of <paramref name="hashSlot"/>'s chain, or -1.</summary>
    public int First(int hashSlot) => _heads[hashSlot] - 1;

    /// <summary>The entry after <paramref name="index"/> in its hash slot's chain, or -1.</summary>
    public int Next(int index) => _next[index] - 1;

    /// <summary>Follows the table to <paramref name="capacity"/> entries.</summary>
    public void Resize(int capacity)
    {
        Array.Resize(ref _next, capacity);
        Array.Resize(ref _previous, capacity);
    }

    public void Link(int index, int hashSlot)
    {
        var head = _heads[hashSlot];
        _next[index] = head;
        _previous[index] = 0;
        if (head != 0)
        {
            _previous[head - 1] = index + 1;
        }

        _heads[hashSlot] = index + 1;
    }

    public void Unlink(int index, int hashSlot)
    {
        var (next, previous) = (_next[index], _previous[index]);
        if (previous != 0)
        {
            _next[previous - 1] = next;
        }
        else
        {
            _heads[hashSlot] = next;
        }

        if (next != 0)
        {
            _previous[next - 1] = previous;
        }

        (_next[index], _previous[index]) = (0, 0);
    }
}
