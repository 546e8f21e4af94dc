namespace Cache.Gossip.Wire;

/// <summary>
/// Refuses encrypted packets seen before. Senders stamp each packet with a sequence whose high bits are
/// their clock in milliseconds (<see cref="SequenceAt"/>), strictly increasing. A packet is accepted when
/// its stamp is within the allowed clock skew of the local clock and its sequence is not among the last
/// <see cref="WindowSize"/> accepted from that sender on that channel (datagrams and streams have separate
/// windows, as they reorder independently), nor below all of them. A sender's window is forgotten once its
/// newest stamp is older than the skew: every packet it could still guard against is then stale anyway.
/// Memory: at most <see cref="Capacity"/> windows of about 600 bytes (about 2.5 MB); beyond that the least
/// recently advanced window is evicted. Thread-safe.
/// </summary>
internal sealed class ReplayGuard(TimeProvider time, TimeSpan maxSkew, int capacity = ReplayGuard.DefaultCapacity)
{
    public const int WindowSize = 64;
    public const int DefaultCapacity = 4096;
    public const int TimeShift = 20; // about a million sequence numbers per millisecond

    private readonly Dictionary<(string Sender, bool Stream), Window> _windows = [];
    private readonly long _skewMs = (long)maxSkew.TotalMilliseconds;
    private int _purgeAt = 64;

    public int Capacity => capacity;

    /// <summary>Number of senders (per channel) remembered.</summary>
    public int Count
    {
        get
        {
            lock (_windows)
            {
                return _windows.Count;
            }
        }
    }

    /// <summary>The first sequence a sender may use at a given instant.</summary>
    public static ulong SequenceAt(DateTimeOffset now) => (ulong)Math.Max(0, now.ToUnixTimeMilliseconds()) << TimeShift;

    public bool TryAccept(string sender, bool stream, ulong sequence, out DropReason reason)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var stampMs = (long)(sequence >> TimeShift);
        if (Math.Abs(stampMs - nowMs) > _skewMs)
        {
            reason = DropReason.Stale;
            return false;
        }

        lock (_windows)
        {
            var key = (sender, stream);
            if (!_windows.TryGetValue(key, out var window))
            {
                MakeRoom(nowMs);
                window = new Window();
                _windows[key] = window;
            }

            if (!window.TryAdd(sequence))
            {
                reason = DropReason.Replayed;
                return false;
            }
        }

        reason = default;
        return true;
    }

    private void MakeRoom(long nowMs)
    {
        if (_windows.Count < _purgeAt && _windows.Count < capacity)
        {
            return;
        }

        List<(string, bool)>? expired = null;
        (string, bool)? oldest = null;
        var oldestSeq = ulong.MaxValue;
        foreach (var (key, w) in _windows)
        {
            if ((long)(w.Highest >> TimeShift) < nowMs - _skewMs)
            {
                (expired ??= []).Add(key);
            }
            else if (w.Highest < oldestSeq)
            {
                oldestSeq = w.Highest;
                oldest = key;
            }
        }

        foreach (var key in expired ?? [])
        {
            _windows.Remove(key);
        }

        if (_windows.Count >= capacity && oldest is { } victim)
        {
            // Only key holders create windows, so this takes more senders than a cluster has; the evicted
            // sender's packets younger than the skew could then be replayed once.
            _windows.Remove(victim);
        }

        _purgeAt = Math.Max(64, _windows.Count * 2);
    }

    // The WindowSize highest sequences accepted from one sender, unordered; Min is valid once full.
    private sealed class Window
    {
        private readonly ulong[] _seen = new ulong[WindowSize];
        private int _count;
        private ulong _min;

        public ulong Highest { get; private set; }

        public bool TryAdd(ulong sequence)
        {
            if (_count == WindowSize && sequence <= _min)
            {
                return false;
            }

            for (var i = 0; i < _count; i++)
            {
                if (_seen[i] == sequence)
                {
                    return false;
                }
            }

            if (_count < WindowSize)
            {
                _seen[_count++] = sequence;
            }
            else
            {
                _seen[Array.IndexOf(_seen, _min)] = sequence;
            }

            if (_count == WindowSize)
            {
                _min = _seen.Min();
            }

            Highest = Math.Max(Highest, sequence);
            return true;
        }
    }
}
