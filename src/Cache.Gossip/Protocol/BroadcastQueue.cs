namespace Cache.Gossip.Protocol;

/// <summary>
/// memberlist's transmit-limited queue: each message goes out at most RetransmitMult·ceil(log10(N+1))
/// times; the least transmitted and newest go first; a new message about a member replaces the old.
/// </summary>
internal sealed class BroadcastQueue
{
    private readonly SortedSet<Broadcast> _queue = new(Order.Instance);
    private readonly Dictionary<string, Broadcast> _byKey = new(StringComparer.Ordinal);
    private readonly List<Broadcast> _picked = [];
    private long _nextId;

    public int Count => _queue.Count;

    public void Enqueue(string key, byte[] message, Action? onFinished = null)
    {
        if (_byKey.Remove(key, out var old))
        {
            _queue.Remove(old);
            old.OnFinished?.Invoke();
        }

        var b = new Broadcast(key, message, _nextId++, onFinished);
        _queue.Add(b);
        _byKey[key] = b;
    }

    /// <summary>Appends messages that fit in <paramref name="budget"/> bytes to the writer's output.</summary>
    public int Fill(Wire.WireWriter writer, int budget, int transmitLimit)
    {
        if (_queue.Count == 0 || budget <= 0)
        {
            return 0;
        }

        _picked.Clear();
        int used = 0, misses = 0;
        foreach (var b in _queue)
        {
            if (budget - used < 8)
            {
                break;
            }

            if (b.Message.Length > budget - used)
            {
                if (++misses > 8)
                {
                    break; // the packet is nearly full: do not scan the whole queue
                }

                continue;
            }

            used += b.Message.Length;
            writer.WriteBytes(b.Message);
            _picked.Add(b);
        }

        foreach (var b in _picked)
        {
            _queue.Remove(b);
            b.Transmits++;
            if (b.Transmits >= transmitLimit)
            {
                _byKey.Remove(b.Key);
                b.OnFinished?.Invoke();
            }
            else
            {
                _queue.Add(b);
            }
        }

        return _picked.Count;
    }

    public void Clear()
    {
        foreach (var b in _queue)
        {
            b.OnFinished?.Invoke();
        }

        _queue.Clear();
        _byKey.Clear();
    }

    private sealed class Order : IComparer<Broadcast>
    {
        public static readonly Order Instance = new();

        public int Compare(Broadcast? x, Broadcast? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            var c = x!.Transmits.CompareTo(y!.Transmits);
            return c != 0 ? c : y.Id.CompareTo(x.Id);
        }
    }
}
