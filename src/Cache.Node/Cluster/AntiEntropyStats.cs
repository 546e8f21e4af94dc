using System.Collections.Concurrent;

namespace Cache.Node.Cluster;

/// <summary>Counters for INFO cluster's anti-entropy fields, in total and per peer.</summary>
internal sealed class AntiEntropyStats(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, PeerSync> _peers = new(StringComparer.Ordinal);
    private long _rounds;
    private long _failed;
    private long _slotsCompared;
    private long _slotsRepaired;
    private long _slotsPending;
    private long _pulled;
    private long _pushed;
    private long _bytes;
    private long _inSync;

    public long Rounds => Interlocked.Read(ref _rounds);

    public long FailedRounds => Interlocked.Read(ref _failed);

    public long RoundsInSync => Interlocked.Read(ref _inSync);

    public long SlotsCompared => Interlocked.Read(ref _slotsCompared);

    public long SlotsRepaired => Interlocked.Read(ref _slotsRepaired);

    /// <summary>Differing slots the last round left for the next one (work per round is bounded).</summary>
    public long SlotsPending => Interlocked.Read(ref _slotsPending);

    public long EntriesPulled => Interlocked.Read(ref _pulled);

    public long EntriesPushed => Interlocked.Read(ref _pushed);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void Failed(string peer)
    {
        Interlocked.Increment(ref _failed);
        var sync = _peers.GetOrAdd(peer, _ => new PeerSync());
        Interlocked.Increment(ref sync.Failed);
    }

    public void Round(string peer, in RepairResult result)
    {
        Interlocked.Increment(ref _rounds);
        if (result.SlotsDiffering == 0)
        {
            Interlocked.Increment(ref _inSync);
        }

        Interlocked.Add(ref _slotsCompared, result.SlotsCompared);
        Interlocked.Add(ref _slotsRepaired, result.SlotsRepaired);
        Interlocked.Exchange(ref _slotsPending, result.SlotsDiffering - result.SlotsRepaired);
        Interlocked.Add(ref _pulled, result.Pulled);
        Interlocked.Add(ref _pushed, result.Pushed);
        Interlocked.Add(ref _bytes, result.Bytes);
        var sync = _peers.GetOrAdd(peer, _ => new PeerSync());
        var now = time.GetTimestamp();
        Interlocked.Increment(ref sync.Rounds);
        Interlocked.Exchange(ref sync.LastRound, now);
        if (result.Complete)
        {
            Interlocked.Exchange(ref sync.LastFullSync, now);
        }
    }

    /// <summary>Per peer: rounds, failed rounds, ms since the last round and since the last full sync (-1 when never).</summary>
    public IEnumerable<(string Peer, long Rounds, long Failed, long LastRoundMsAgo, long LastFullSyncMsAgo)> Peers()
    {
        foreach (var (peer, sync) in _peers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            yield return (peer, Interlocked.Read(ref sync.Rounds), Interlocked.Read(ref sync.Failed), Ago(Interlocked.Read(ref sync.LastRound)), Ago(Interlocked.Read(ref sync.LastFullSync)));
        }
    }

    private long Ago(long timestamp) => timestamp == 0 ? -1 : (long)time.GetElapsedTime(timestamp).TotalMilliseconds;

    private sealed class PeerSync
    {
        public long Rounds;
        public long Failed;
        public long LastRound;
        public long LastFullSync;
    }
}
