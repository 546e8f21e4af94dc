using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Background;
using Cache.Node.Storage;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Cluster;

/// <summary>
/// Moves data when the ring changes: this node pulls the slots it now holds from the nodes that
/// hold them too. Pulled are the slots it gained, the slots it became primary of, and every slot
/// it shares with a node it sees for the first time (a node that joined, restarted or came back
/// from a partition: both sides pull, so either may have been empty). Entries merge by version,
/// so pulling what is already here is harmless. The node serves the slots meanwhile.
/// </summary>
internal sealed partial class SlotHandOff : IDisposable
{
    private readonly ClusterMembership _cluster;
    private readonly PeerLinks _peers;
    private readonly KeySpace _keys;
    private readonly ReplicationStats _stats;
    private readonly ILogger _logger;
    private readonly BackgroundFailures _failures;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TimeProvider _time;
    private long _pending;
    private long _retrying;
    private int _generation;
    private int _leaving;
    private int _disposed;
    private readonly List<Hold> _holds = [];
    private int _holdCount;

    public SlotHandOff(ClusterMembership cluster, PeerLinks peers, KeySpace keys, ReplicationStats stats, TimeSpan tombstoneHorizon, bool hasSeeds,
        TimeProvider time, ILogger logger, BackgroundFailures failures)
    {
        _failures = failures;
        _time = time;
        _cluster = cluster;
        _peers = peers;
        _keys = keys;
        _stats = stats;
        _logger = logger;
        // A node keeps tombstones even when alone in its ring once it has had a peer, or from the
        // start when it was given seeds (it may be cut off from its cluster, and a delete it
        // forgot would come back from the others when they meet). Only a node started with no
        // seeds that has never had a peer needs none.
        using (keys.Enter())
        {
            keys.TombstoneHorizonMs = (long)tombstoneHorizon.TotalMilliseconds;
            keys.SkipTombstones = !hasSeeds;
        }

        cluster.RingChanged += OnRingChanged;
        // Gossip may have joined before this subscribed: pull as a node that was alone until now.
        OnRingChanged(SlotMap.Build([new RingNode(cluster.Gossip.Name)], cluster.ConfiguredReplicas), cluster.Ring);
    }

    /// <summary>Hand-offs started and not yet finished.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Transfers that failed and wait for a retry (a partition, a paused peer).</summary>
    public long Retrying => Interlocked.Read(ref _retrying);

    /// <summary>Completes when no hand-off is running (tests and INFO).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        _oneAtATime.Release();
    }

    private void OnRingChanged(SlotMap previous, SlotMap next)
    {
        var self = _cluster.Gossip.Name;
        // Links to nodes that left the ring would keep their sockets open forever.
        _peers.Retain(next.Nodes.Select(n => _cluster.RespEndpointOf(n.Id)).OfType<string>().ToHashSet(StringComparer.Ordinal));
        if (next.Nodes.Count > 1)
        {
            using (_keys.Enter())
            {
                _keys.SkipTombstones = false;
            }
        }

        var generation = Interlocked.Increment(ref _generation);
        var plan = HandOffPlan.Pulls(previous, next, self);
        if (next.IndexOf(self) < 0 || next.Nodes.Count <= 1)
        {
            return;
        }

        // Slots this node now leads wait for the pull: a read would miss, and a read-modify-write
        // (INCR, APPEND) would start from nothing and outrank the pulled value.
        var selfNext = next.IndexOf(self);
        var held = new bool[HashSlot.Count];
        for (var slot = 0; slot < HashSlot.Count && plan.Count > 0; slot++)
        {
            held[slot] = next.OwnerIndices(slot)[0] == selfNext && plan.Values.Any(slots => slots[slot]);
        }

        var hold = new Hold(held);
        lock (_holds)
        {
            _holds.Add(hold);
            Volatile.Write(ref _holdCount, _holds.Count);
        }

        Interlocked.Increment(ref _pending);
        _failures.Observe(BackgroundWork.HandOff, RunAsync(plan, hold, generation));
    }

    /// <summary>Completes when the hand-off that holds <paramref name="slot"/> is done; null when none does.</summary>
    public Task? WhenReady(int slot)
    {
        if (Volatile.Read(ref _holdCount) == 0)
        {
            return null;
        }

        lock (_holds)
        {
            foreach (var hold in _holds)
            {
                if (hold.Slots[slot])
                {
                    return hold.Done.Task;
                }
            }
        }

        return null;
    }

    private void Release(Hold hold)
    {
        lock (_holds)
        {
            _holds.Remove(hold);
            Volatile.Write(ref _holdCount, _holds.Count);
        }

        hold.Done.TrySetResult();
    }

    private sealed record Hold(bool[] Slots)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task RunAsync(Dictionary<string, bool[]> pulls, Hold hold, int generation)
    {
        var later = new List<Func<CancellationToken, Task>>();
        try
        {
            await _oneAtATime.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                foreach (var (source, slots) in pulls)
                {
                    try
                    {
                        await PullFromAsync(source, slots, _stopping.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (HandOffRetry.IsTransient(ex))
                    {
                        LogPullFailed(_logger, source, ex.Message);
                        later.Add(ct => PullFromAsync(source, slots, ct));
                    }
                }
            }
            finally
            {
                _oneAtATime.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        finally
        {
            // The held slots serve again after one attempt; a failed pull is retried in the background.
            Release(hold);
            Interlocked.Decrement(ref _pending);
        }

        // Then what this node holds of slots it does not own (any more) goes to their owners.
        later.Add(PushStrandedAsync);

        Interlocked.Add(ref _retrying, later.Count);
        try
        {
            // A newer ring change plans afresh and these retries stop (so does a stop); a pull the
            // new plan no longer includes is left to anti-entropy between the slot's owners.
            await HandOffRetry.RunAsync(later, () => generation == Volatile.Read(ref _generation) && !_stopping.IsCancellationRequested, _time,
                ex => LogTransferFailed(_logger, ex.Message), _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Add(ref _retrying, -later.Count);
        }
    }

    private async Task PullFromAsync(string source, bool[] slots, CancellationToken cancellationToken)
    {
        if (_cluster.Ring.IndexOf(source) < 0 || _cluster.RespEndpointOf(source) is not { } endpoint)
        {
            // The source left meanwhile; the newer ring's plan covers what it held.
            LogSourceGone(_logger, source);
            return;
        }

        var count = slots.Count(flag => flag);
        var pulled = await PullSlotsAsync(endpoint, SlotBitmap.From(slots), cancellationToken).ConfigureAwait(false);
        _stats.HandedOff(pulled);
        if (pulled > 0)
        {
            LogPulled(_logger, pulled, count, source);
        }
        else
        {
            LogNothingToPull(_logger, count, source);
        }
    }

    /// <summary>Pushes the entries of slots this node holds but does not own to their owners (see <see cref="StrandedSlots"/>).</summary>
    public async Task PushStrandedAsync(CancellationToken cancellationToken)
    {
        var pushed = await StrandedSlots.PushAsync(_cluster.Ring, _cluster.Gossip.Name, _keys,
            id => _cluster.RespEndpointOf(id) is { } endpoint ? new RespReplicaPeer(_peers.ForReplication(endpoint)) : null, null, cancellationToken).ConfigureAwait(false);
        if (pushed > 0)
        {
            _stats.HandedOff(pushed);
            LogHandedBack(_logger, pushed);
        }
    }

    /// <summary>
    /// Before a graceful leave: pushes the slots this node holds to the nodes that will own them
    /// once it is gone and do not hold them now (with one copy per key, the only copy would
    /// otherwise leave with it). Bounded by <paramref name="budget"/>.
    /// </summary>
    public async Task PushBeforeLeaveAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _leaving, 1) != 0)
        {
            return;
        }

        var ring = _cluster.Ring;
        var self = _cluster.Gossip.Name;
        if (ring.Nodes.Count <= 1 || ring.IndexOf(self) < 0)
        {
            return;
        }

        var plan = HandOffPlan.BeforeLeave(ring, self, _cluster.ConfiguredReplicas);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        foreach (var (target, slots) in plan)
        {
            if (_cluster.RespEndpointOf(target) is not { } endpoint)
            {
                continue;
            }

            try
            {
                var pushed = await PushSlotsAsync(endpoint, slots, deadline.Token).ConfigureAwait(false);
                _stats.HandedOff(pushed);
                LogPushed(_logger, pushed, target);
            }
            catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException or OperationCanceledException)
            {
                LogPushFailed(_logger, target, ex.Message);
            }
        }
    }

    /// <summary>Sends this node's entries (tombstones included) of <paramref name="slots"/> to the node at <paramref name="endpoint"/>; how many were sent.</summary>
    internal async Task<int> PushSlotsAsync(string endpoint, bool[] slots, CancellationToken cancellationToken) =>
        (await ReplicaSync.PushAsync(_keys, new RespReplicaPeer(_peers.ForReplication(endpoint)), slots, cancellationToken).ConfigureAwait(false)).Sent;

    /// <summary>Pulls the entries of <paramref name="bitmap"/>'s slots from the node at <paramref name="endpoint"/> and merges them; how many replaced ours.</summary>
    internal async Task<int> PullSlotsAsync(string endpoint, byte[] bitmap, CancellationToken cancellationToken) =>
        (await ReplicaSync.PullAsync(_keys, new RespReplicaPeer(_peers.ForReplication(endpoint)), bitmap, cancellationToken).ConfigureAwait(false)).Applied;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _cluster.RingChanged -= OnRingChanged;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Hand-off: merged {Entries} newer entries of {Slots} slots from {Source}")]
    private static partial void LogPulled(ILogger logger, int entries, int slots, string source);

    [LoggerMessage(EventId = 305, Level = LogLevel.Debug, Message = "Hand-off: {Slots} slots from {Source} held nothing newer")]
    private static partial void LogNothingToPull(ILogger logger, int slots, string source);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Hand-off from {Source} failed: {Error}; retrying in the background")]
    private static partial void LogPullFailed(ILogger logger, string source, string error);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Leaving: handed {Entries} entries to {Target}, their next owner")]
    private static partial void LogPushed(ILogger logger, int entries, string target);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Leaving: handing entries to {Target} failed ({Error}); keys with no other copy are lost")]
    private static partial void LogPushFailed(ILogger logger, string target, string error);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "Hand-off: sent {Entries} entries of slots this node does not own to their owners, and dropped the copies they all took")]
    private static partial void LogHandedBack(ILogger logger, int entries);

    [LoggerMessage(EventId = 307, Level = LogLevel.Debug, Message = "Hand-off transfer failed ({Error}); retrying with backoff while the ring stays as it is")]
    private static partial void LogTransferFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Hand-off from {Source} skipped: it left the ring")]
    private static partial void LogSourceGone(ILogger logger, string source);
}
