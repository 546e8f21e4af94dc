namespace Cache.Node.Cluster;

/// <summary>Counters for INFO cluster's anti-entropy fields.</summary>
internal sealed class AntiEntropyStats
{
    private long _rounds;
    private long _failed;
    private long _slotsCompared;
    private long _slotsRepaired;
    private long _pulled;
    private long _pushed;
    private long _bytes;
    private long _inSync;

    public long Rounds => Interlocked.Read(ref _rounds);

    public long FailedRounds => Interlocked.Read(ref _failed);

    public long RoundsInSync => Interlocked.Read(ref _inSync);

    public long SlotsCompared => Interlocked.Read(ref _slotsCompared);

    public long SlotsRepaired => Interlocked.Read(ref _slotsRepaired);

    public long EntriesPulled => Interlocked.Read(ref _pulled);

    public long EntriesPushed => Interlocked.Read(ref _pushed);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Failed() => Interlocked.Increment(ref _failed);

    public void Round(int compared, int repaired, int pulled, int pushed, long bytes)
    {
        Interlocked.Increment(ref _rounds);
        if (repaired == 0)
        {
            Interlocked.Increment(ref _inSync);
        }

        Interlocked.Add(ref _slotsCompared, compared);
        Interlocked.Add(ref _slotsRepaired, repaired);
        Interlocked.Add(ref _pulled, pulled);
        Interlocked.Add(ref _pushed, pushed);
        Interlocked.Add(ref _bytes, bytes);
    }
}
