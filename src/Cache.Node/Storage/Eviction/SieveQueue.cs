namespace Cache.Node.Storage;

/// <summary>
/// The SIEVE eviction queue (<see cref="EvictionPolicy.AllKeysSieve"/>): entries linked in insertion
/// order through two <c>int[]</c> parallel to the entry table (no objects), built when the policy
/// is chosen and dropped when another is. The hand walks from the oldest key towards the newest,
/// clearing visited bits; the first key it finds unvisited is the victim. New keys enter at the
/// newest end, so an unvisited newcomer is demoted quickly while keys in use stay in place.
/// </summary>
internal sealed class SieveQueue
{
    private readonly EntryTable _table;
    private int[]? _newer;   // towards the newest key; -1 ends
    private int[]? _older;   // towards the oldest key; -1 ends
    private int _newest = -1;
    private int _oldest = -1;
    private int _hand = -1;

    public SieveQueue(EntryTable table) => _table = table;

    /// <summary>Bytes of the queue links, while the policy is on.</summary>
    public long Bytes => _newer is null ? 0 : (long)_newer.Length * 2 * sizeof(int);

    /// <summary>Builds the queue over the entries present (on) or drops it (off).</summary>
    public void Enable(bool on)
    {
        if (!on)
        {
            _newer = _older = null;
            _newest = _oldest = _hand = -1;
            return;
        }

        if (_newer is not null)
        {
            return;
        }

        // Link the keys already present in table order: oldest first is as good a guess as any.
        var size = Math.Max(16, _table.EntryLimit);
        _newer = new int[size];
        _older = new int[size];
        _newest = _oldest = _hand = -1;
        for (var i = 0; i < _table.EntryLimit; i++)
        {
            if (_table.IsOccupied(i))
            {
                Added(i);
            }
        }
    }

    /// <summary>Puts a just-added entry at the newest end of the queue.</summary>
    public void Added(int index)
    {
        if (_newer is null)
        {
            return;
        }

        if (index >= _newer.Length)
        {
            var size = Math.Max(_newer.Length * 2, index + 1);
            Array.Resize(ref _newer, size);
            Array.Resize(ref _older, size);
        }

        _newer[index] = -1;
        _older![index] = _newest;
        if (_newest >= 0)
        {
            _newer[_newest] = index;
        }

        _newest = index;
        if (_oldest < 0)
        {
            _oldest = index;
        }
    }

    /// <summary>Unlinks an entry about to be freed; the hand moves on if it pointed there.</summary>
    public void Removed(int index)
    {
        if (_newer is null)
        {
            return;
        }

        var newer = _newer[index];
        var older = _older![index];
        if (newer >= 0)
        {
            _older[newer] = older;
        }
        else
        {
            _newest = older;
        }

        if (older >= 0)
        {
            _newer[older] = newer;
        }
        else
        {
            _oldest = newer;
        }

        if (_hand == index)
        {
            _hand = newer;
        }
    }

    /// <summary>The entry the hand stops at, or -1.</summary>
    public int Victim()
    {
        var node = _hand >= 0 ? _hand : _oldest;
        for (var n = 0; node >= 0 && n <= 2 * _table.Count; n++)
        {
            ref var entry = ref _table.EntryAt(node);
            if (entry.Kind != ValueKind.Tombstone)
            {
                if ((entry.Flags & EntryFlags.Visited) == 0)
                {
                    _hand = _newer![node];
                    return node;
                }

                entry.Flags &= ~EntryFlags.Visited;
            }

            node = _newer![node] is var next and >= 0 ? next : _oldest;
        }

        return -1;
    }
}
