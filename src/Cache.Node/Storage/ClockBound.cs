namespace Cache.Node.Storage;

/// <summary>
/// How far a peer's version may run ahead of this node's clock, as CockroachDB's HLC bounds a
/// remote timestamp by the maximum clock offset. A version beyond it is refused, not clamped: a
/// clamped entry would hold a version its writer never gave it, so the replicas would disagree
/// on the entry for good (and repair would ship it back and forth); refused, it waits until the
/// writer's clock is believable or the key is written again. The clock never adopts such a
/// version, so it cannot be pushed toward overflow nor make one writer's entries win for years.
/// </summary>
internal sealed class ClockBound(TimeProvider time)
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private long _refused;
    private long _reportedRefused;
    private long _reportedAt;

    /// <summary>The bound in ms (0: none); <c>--max-clock-offset</c>, CONFIG SET max-clock-offset.</summary>
    public long MaxOffsetMs { get; set; }

    /// <summary>Versions refused since the start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>
    /// Told of refusals, at most once per 10 s: how far ahead the last one was (ms) and how many
    /// were refused since the previous report. A peer with a wrong clock sends thousands.
    /// </summary>
    public Action<long, long>? Report { get; set; }

    /// <summary>How far <paramref name="clock"/> (a version's clock) is ahead of this node's wall clock, in ms (negative when behind).</summary>
    public long AheadMs(long clock) => HybridLogicalClock.WallMilliseconds(clock) - time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>True when <paramref name="clock"/> is within the bound; otherwise counts a refusal and false.</summary>
    public bool Admits(long clock)
    {
        if (MaxOffsetMs <= 0)
        {
            return true;
        }

        var ahead = AheadMs(clock);
        if (ahead <= MaxOffsetMs)
        {
            return true;
        }

        var refused = Interlocked.Increment(ref _refused);
        var last = Interlocked.Read(ref _reportedAt);
        if ((last == 0 || time.GetElapsedTime(last) >= ReportEvery) && Interlocked.CompareExchange(ref _reportedAt, time.GetTimestamp(), last) == last)
        {
            var since = refused - Interlocked.Exchange(ref _reportedRefused, refused);
            Report?.Invoke(ahead, since);
        }

        return false;
    }
}
