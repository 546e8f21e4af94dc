namespace Cache.Node.Cluster;

/// <summary>Counters for INFO replication: what the primary sent and what came back.</summary>
internal sealed class ReplicationStats
{
    private long _sent;
    private long _failed;
    private long _quorumMissed;
    private long _applied;
    private long _forwarded;
    private long _forwardFailed;
    private long _handOffEntries;
    private long _readRepairs;
    private long _ranForUnreachablePrimary;
    private long _ringDisagreements;
    private long _refusedNoQuorum;
    private long _readsRefusedNoQuorum;
    private long _refusedDropped;
    private long _deltasApplied;
    private long _deltasRefused;

    /// <summary>What this node sent as a primary, per peer: bytes, deltas, full entries, fallbacks.</summary>
    public ReplicationTraffic Traffic { get; } = new();

    /// <summary>As a replica: deltas applied (this node held their base version).</summary>
    public long DeltasApplied => Interlocked.Read(ref _deltasApplied);

    /// <summary>As a replica: deltas refused (another version here); the primary sent those keys whole.</summary>
    public long DeltasRefused => Interlocked.Read(ref _deltasRefused);

    public void DeltaAppliedOnce() => Interlocked.Increment(ref _deltasApplied);

    public void DeltaRefusedOnce() => Interlocked.Increment(ref _deltasRefused);

    /// <summary>Writes refused before they ran: this node reached fewer than W of the slot's voters.</summary>
    public long WritesRefusedNoQuorum => Interlocked.Read(ref _refusedNoQuorum);

    /// <summary>Clients' reads refused (--minority-reads refuse) for the same reason.</summary>
    public long ReadsRefusedNoQuorum => Interlocked.Read(ref _readsRefusedNoQuorum);

    /// <summary>Entries of writes that missed their quorum, dropped here again.</summary>
    public long RefusedDropped => Interlocked.Read(ref _refusedDropped);

    public void RefusedNoQuorum(bool write) => Interlocked.Increment(ref write ? ref _refusedNoQuorum : ref _readsRefusedNoQuorum);

    private long _lateWrites;

    /// <summary>Replicated writes that arrived after their primary's deadline and were refused.</summary>
    public long LateWritesRefused => Interlocked.Read(ref _lateWrites);

    public void LateWriteRefusedOnce() => Interlocked.Increment(ref _lateWrites);

    public void RefusedWritesDropped(int entries) => Interlocked.Add(ref _refusedDropped, entries);

    public long RingDisagreements => Interlocked.Read(ref _ringDisagreements);

    public void RingDisagreementOnce() => Interlocked.Increment(ref _ringDisagreements);

    public long RanForUnreachablePrimary => Interlocked.Read(ref _ranForUnreachablePrimary);

    public void RanForUnreachablePrimaryOnce() => Interlocked.Increment(ref _ranForUnreachablePrimary);
    private long _readQuorumMissed;

    public long ReadRepairs => Interlocked.Read(ref _readRepairs);

    public long ReadQuorumMissed => Interlocked.Read(ref _readQuorumMissed);

    public void ReadRepairedOnce() => Interlocked.Increment(ref _readRepairs);

    public void ReadQuorumMissedOnce() => Interlocked.Increment(ref _readQuorumMissed);

    public long Sent => Interlocked.Read(ref _sent);

    public long FailedSends => Interlocked.Read(ref _failed);

    public long QuorumMissed => Interlocked.Read(ref _quorumMissed);

    public long Applied => Interlocked.Read(ref _applied);

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long ForwardFailed => Interlocked.Read(ref _forwardFailed);

    public long HandOffEntries => Interlocked.Read(ref _handOffEntries);

    public void BatchesSent(int batches) => Interlocked.Add(ref _sent, batches);

    public void Failed() => Interlocked.Increment(ref _failed);

    public void QuorumMissedOnce() => Interlocked.Increment(ref _quorumMissed);

    public void AppliedEntries(int count) => Interlocked.Add(ref _applied, count);

    public void ForwardedOne() => Interlocked.Increment(ref _forwarded);

    public void ForwardFailedOnce() => Interlocked.Increment(ref _forwardFailed);

    public void HandedOff(int entries) => Interlocked.Add(ref _handOffEntries, entries);
}
