namespace Cache.Node.Storage;

/// <summary>
/// Versions for writes: a hybrid logical clock, wall-clock milliseconds from the injected
/// <see cref="TimeProvider"/> shifted left 16 bits plus a counter. Strictly increasing on one
/// node even when the wall clock stalls or steps back; <see cref="Observe"/> folds in versions
/// seen from peers so causally later writes get higher versions. Equal clocks on different
/// nodes are told apart by the node id stored next to the version (<see cref="EntryVersion"/>).
/// </summary>
internal sealed class HybridLogicalClock(TimeProvider time)
{
    public const int CounterBits = 16;

    private long _last;

    /// <summary>A version higher than every version this clock issued or observed.</summary>
    public long Next()
    {
        var wall = time.GetUtcNow().ToUnixTimeMilliseconds() << CounterBits;
        _last = wall > _last ? wall : _last + 1;
        return _last;
    }

    /// <summary>Takes in a version seen from a peer, so later local writes outrank it.</summary>
    public void Observe(long version)
    {
        if (version > _last)
        {
            _last = version;
        }
    }

    /// <summary>The wall-clock milliseconds part of a version.</summary>
    public static long WallMilliseconds(long version) => version >> CounterBits;
}
