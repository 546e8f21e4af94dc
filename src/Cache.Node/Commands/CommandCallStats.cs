namespace Cache.Node.Commands;

/// <summary>
/// One command's INFO commandstats counters: calls, time spent in the handler, and calls refused
/// before running (rejected) or answered with an error (failed). Interlocked: connections run
/// commands concurrently when they do not need the key space.
/// </summary>
internal sealed class CommandCallStats
{
    private long _calls;
    private long _ticks;
    private long _rejected;
    private long _failed;

    public long Calls => Volatile.Read(ref _calls);

    /// <summary>Handler time in microseconds.</summary>
    public long Microseconds => (long)(Volatile.Read(ref _ticks) * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));

    public long Rejected => Volatile.Read(ref _rejected);

    public long Failed => Volatile.Read(ref _failed);

    public bool IsEmpty => Calls == 0 && Rejected == 0 && Failed == 0;

    public void Called(long elapsedTicks, bool failed)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _ticks, elapsedTicks);
        if (failed)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    public void Refused() => Interlocked.Increment(ref _rejected);

    public void Reset()
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _ticks, 0);
        Interlocked.Exchange(ref _rejected, 0);
        Interlocked.Exchange(ref _failed, 0);
    }
}
