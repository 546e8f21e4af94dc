namespace Cache.Gossip.Simulation;

/// <summary>A timer of <see cref="SimulationClock"/>; a generation number makes stale queue entries no-ops.</summary>
internal sealed class SimulationTimer : ITimer
{
    private readonly SimulationClock _clock;
    private readonly TimerCallback _callback;
    private readonly object? _state;
    private int _generation;
    private long _period;
    private bool _disposed;

    public SimulationTimer(SimulationClock clock, TimerCallback callback, object? state)
    {
        _clock = clock;
        _callback = callback;
        _state = state;
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        if (_disposed)
        {
            return false;
        }

        _generation++;
        _period = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _clock.Enqueue(this, _generation, Math.Max(0, dueTime.Ticks));
        }

        return true;
    }

    public bool IsCurrent(int generation) => !_disposed && generation == _generation;

    public void Fire()
    {
        if (_period > 0)
        {
            _clock.Enqueue(this, _generation, _period);
        }

        _callback(_state);
    }

    public void Dispose()
    {
        _disposed = true;
        _generation++;
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
