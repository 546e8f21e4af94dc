namespace Cache.Gossip.Simulation;

/// <summary>
/// A deterministic <see cref="TimeProvider"/> for simulations: timers and scheduled actions sit in
/// one priority queue ordered by (due time, insertion order) and run on the caller's thread in
/// <see cref="Advance"/>. Unlike a list-scanning fake clock it stays fast with many thousands of timers.
/// </summary>
public sealed class SimulationClock : TimeProvider
{
    private readonly DateTimeOffset _start;
    private readonly PriorityQueue<WorkItem, (long Due, long Seq)> _queue = new();
    private long _now;
    private long _seq;

    /// <summary>Creates a clock at a start instant.</summary>
    public SimulationClock(DateTimeOffset start) => _start = start;

    /// <summary>Time elapsed since the start.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(_now);

    /// <summary>Number of queued items (including cancelled timers not yet skipped).</summary>
    public int Pending => _queue.Count;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _start.AddTicks(_now);

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => _now;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new SimulationTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs an action after a delay (used by the simulated network).</summary>
    public void Schedule(TimeSpan delay, Action action) =>
        _queue.Enqueue(new WorkItem(null, 0, action), (_now + Math.Max(0, delay.Ticks), _seq++));

    /// <summary>Runs everything due within the next <paramref name="duration"/>, then sets the clock to its end.</summary>
    public void Advance(TimeSpan duration)
    {
        var end = _now + duration.Ticks;
        RunUntil(end, null);
        _now = end;
    }

    /// <summary>Advances until the condition holds (checked after each item) or the limit passes; returns whether it held.</summary>
    public bool AdvanceUntil(Func<bool> condition, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition())
        {
            return true;
        }

        var end = _now + limit.Ticks;
        if (RunUntil(end, condition))
        {
            return true;
        }

        _now = end;
        return false;
    }

    private bool RunUntil(long end, Func<bool>? condition)
    {
        while (_queue.TryPeek(out var item, out var key) && key.Due <= end)
        {
            _queue.Dequeue();
            _now = Math.Max(_now, key.Due);
            if (item.Timer is { } t)
            {
                if (!t.IsCurrent(item.Generation))
                {
                    continue;
                }

                t.Fire();
            }
            else
            {
                item.Action!();
            }

            if (condition is not null && condition())
            {
                return true;
            }
        }

        return false;
    }

    internal void Enqueue(SimulationTimer timer, int generation, long delayTicks) =>
        _queue.Enqueue(new WorkItem(timer, generation, null), (_now + delayTicks, _seq++));

    private readonly record struct WorkItem(SimulationTimer? Timer, int Generation, Action? Action);
}
