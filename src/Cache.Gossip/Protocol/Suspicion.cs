namespace Cache.Gossip.Protocol;

/// <summary>
/// Lifeguard dynamic suspicion timeout: starts at max and shrinks toward min as k independent
/// confirmations arrive, timeout = max − log(c+1)/log(k+1)·(max − min), never below min.
/// </summary>
internal sealed class Suspicion : IDisposable
{
    private readonly HashSet<string> _confirmers = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _k;
    private readonly TimeSpan _min, _max;
    private readonly long _start;
    private readonly ITimer _timer;
    private int _confirmations;

    public Suspicion(TimeProvider time, string from, int k, TimeSpan min, TimeSpan max, Action onTimeout)
    {
        _time = time;
        _k = k;
        _min = min;
        _max = max;
        _confirmers.Add(from);
        _start = time.GetTimestamp();
        var timeout = k < 1 ? min : max;
        _timer = time.CreateTimer(_ => onTimeout(), null, timeout, Timeout.InfiniteTimeSpan);
    }

    public int Confirmations => _confirmations;

    public static TimeSpan Remaining(int confirmations, int k, TimeSpan elapsed, TimeSpan min, TimeSpan max)
    {
        var frac = Math.Log(confirmations + 1.0) / Math.Log(k + 1.0);
        var raw = max.TotalMilliseconds - frac * (max.TotalMilliseconds - min.TotalMilliseconds);
        var timeout = TimeSpan.FromMilliseconds(Math.Floor(Math.Max(raw, min.TotalMilliseconds)));
        return timeout - elapsed;
    }

    /// <summary>Counts an independent suspicion; returns true when it is new (worth re-gossiping).</summary>
    public bool Confirm(string from)
    {
        if (_confirmations >= _k || !_confirmers.Add(from))
        {
            return false;
        }

        _confirmations++;
        var remaining = Remaining(_confirmations, _k, _time.GetElapsedTime(_start), _min, _max);
        _timer.Change(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        return true;
    }

    public void Dispose() => _timer.Dispose();
}
