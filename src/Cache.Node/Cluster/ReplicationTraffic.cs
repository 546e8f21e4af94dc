using System.Collections.Concurrent;

namespace Cache.Node.Cluster;

/// <summary>
/// What replication sent, per peer and in total (INFO cluster): bytes of GOSSIPCACHE REPLICATE
/// requests as written on the wire, entries sent as deltas and as full values, and deltas a
/// replica refused (its version was not the base) that went again as full values.
/// </summary>
internal sealed class ReplicationTraffic
{
    private readonly ConcurrentDictionary<string, PeerTraffic> _peers = new(StringComparer.Ordinal);
    private long _bytes;
    private long _deltas;
    private long _full;
    private long _fallbacks;

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Deltas => Interlocked.Read(ref _deltas);

    public long FullEntries => Interlocked.Read(ref _full);

    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>One REPLICATE sent to <paramref name="peer"/>.</summary>
    public void Sent(string peer, long bytes, int deltas, int full)
    {
        Interlocked.Add(ref _bytes, bytes);
        Interlocked.Add(ref _deltas, deltas);
        Interlocked.Add(ref _full, full);
        var counters = _peers.GetOrAdd(peer, static _ => new PeerTraffic());
        Interlocked.Add(ref counters.Bytes, bytes);
        Interlocked.Add(ref counters.Deltas, deltas);
        Interlocked.Add(ref counters.Full, full);
    }

    /// <summary><paramref name="keys"/> deltas <paramref name="peer"/> refused, about to go again whole.</summary>
    public void FellBack(string peer, int keys)
    {
        Interlocked.Add(ref _fallbacks, keys);
        Interlocked.Add(ref _peers.GetOrAdd(peer, static _ => new PeerTraffic()).Fallbacks, keys);
    }

    /// <summary>Per peer, in name order: bytes, deltas, full entries, fallbacks.</summary>
    public IEnumerable<(string Peer, long Bytes, long Deltas, long Full, long Fallbacks)> Peers() =>
        _peers.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (p.Key, Interlocked.Read(ref p.Value.Bytes), Interlocked.Read(ref p.Value.Deltas), Interlocked.Read(ref p.Value.Full),
                Interlocked.Read(ref p.Value.Fallbacks)));

    private sealed class PeerTraffic
    {
        public long Bytes;
        public long Deltas;
        public long Full;
        public long Fallbacks;
    }
}
