using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>Counters of one node, for INFO gossip. Updated with interlocked operations; read any time.</summary>
public sealed class GossipStats
{
    private long _probes, _probeFailures, _indirectProbes, _suspicions, _refutations, _deaths;
    private long _packetsIn, _packetsOut, _bytesIn, _bytesOut, _streamsIn, _streamsOut, _pushPulls;
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];

    // Only a node keeps counters; users read them from GossipNode.Stats.
    internal GossipStats()
    {
    }

    /// <summary>Direct probes started.</summary>
    public long Probes => Volatile.Read(ref _probes);
    /// <summary>Probes that ended without any ack.</summary>
    public long ProbeFailures => Volatile.Read(ref _probeFailures);
    /// <summary>Indirect ping requests sent.</summary>
    public long IndirectProbes => Volatile.Read(ref _indirectProbes);
    /// <summary>Suspicions this node raised or accepted.</summary>
    public long Suspicions => Volatile.Read(ref _suspicions);
    /// <summary>Times this node refuted a suspicion about itself.</summary>
    public long Refutations => Volatile.Read(ref _refutations);
    /// <summary>Members this node declared or accepted as dead.</summary>
    public long Deaths => Volatile.Read(ref _deaths);
    /// <summary>Packets received (before validation).</summary>
    public long PacketsIn => Volatile.Read(ref _packetsIn);
    /// <summary>Packets sent.</summary>
    public long PacketsOut => Volatile.Read(ref _packetsOut);
    /// <summary>Bytes received in packets and streams.</summary>
    public long BytesIn => Volatile.Read(ref _bytesIn);
    /// <summary>Bytes sent in packets and streams.</summary>
    public long BytesOut => Volatile.Read(ref _bytesOut);
    /// <summary>Stream exchanges served.</summary>
    public long StreamsIn => Volatile.Read(ref _streamsIn);
    /// <summary>Stream exchanges started.</summary>
    public long StreamsOut => Volatile.Read(ref _streamsOut);
    /// <summary>Completed push/pull state exchanges started by this node.</summary>
    public long PushPulls => Volatile.Read(ref _pushPulls);

    /// <summary>Packets dropped for one reason.</summary>
    public long Dropped(DropReason reason) => Volatile.Read(ref _drops[(int)reason]);

    /// <summary>All packets dropped.</summary>
    public long DroppedTotal
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _drops.Length; i++)
            {
                sum += Volatile.Read(ref _drops[i]);
            }

            return sum;
        }
    }

    internal void Probe() => Interlocked.Increment(ref _probes);
    internal void ProbeFailed() => Interlocked.Increment(ref _probeFailures);
    internal void IndirectProbe() => Interlocked.Increment(ref _indirectProbes);
    internal void Suspicion() => Interlocked.Increment(ref _suspicions);
    internal void Refutation() => Interlocked.Increment(ref _refutations);
    internal void Death() => Interlocked.Increment(ref _deaths);
    internal void PushPull() => Interlocked.Increment(ref _pushPulls);
    internal void Drop(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    internal void PacketIn(int bytes)
    {
        Interlocked.Increment(ref _packetsIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    internal void PacketOut(int bytes)
    {
        Interlocked.Increment(ref _packetsOut);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    internal void StreamIn(int bytes)
    {
        Interlocked.Increment(ref _streamsIn);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    internal void StreamOut(int bytes)
    {
        Interlocked.Increment(ref _streamsOut);
        Interlocked.Add(ref _bytesOut, bytes);
    }

    internal void StreamBytesIn(int bytes) => Interlocked.Add(ref _bytesIn, bytes);

    internal void StreamBytesOut(int bytes) => Interlocked.Add(ref _bytesOut, bytes);
}
