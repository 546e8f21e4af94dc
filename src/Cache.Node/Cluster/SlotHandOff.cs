using Cache.Client.Resp;
using Cache.Gossip.Ring;
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
    private readonly long _tombstoneHorizonMs;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private long _pending;
    private int _leaving;
    private readonly List<Hold> _holds = [];
    private int _holdCount;

    public SlotHandOff(ClusterMembership cluster, PeerLinks peers, KeySpace keys, ReplicationStats stats, long tombstoneHorizonMs, ILogger logger)
    {
        _tombstoneHorizonMs = tombstoneHorizonMs;
        _cluster = cluster;
        _peers = peers;
        _keys = keys;
        _stats = stats;
        _logger = logger;
        cluster.RingChanged += OnRingChanged;
        // Gossip may have joined before this subscribed: pull as a node that was alone until now.
        OnRingChanged(SlotMap.Build([new RingNode(cluster.Gossip.Name)], cluster.ConfiguredReplicas), cluster.Ring);
    }

    /// <summary>Hand-offs started and not yet finished.</summary>
    public long Pending => Interlocked.Read(ref _pending);

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
        var plan = Plan(previous, next, self);
        // Tombstones matter only while there are other copies to resurrect a key from.
        lock (_keys.Gate)
        {
            _keys.TombstoneHorizonMs = next.Nodes.Count > 1 ? _tombstoneHorizonMs : 0;
        }

        if (plan.Count == 0)
        {
            return;
        }

        // Slots this node now leads wait for the pull: a read would miss, and a read-modify-write
        // (INCR, APPEND) would start from nothing and outrank the pulled value.
        var selfNext = next.IndexOf(self);
        var held = new bool[HashSlot.Count];
        for (var slot = 0; slot < HashSlot.Count; slot++)
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
        _ = RunAsync(plan, hold);
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

    /// <summary>For each source node: the slots to pull from it. Pure, for tests.</summary>
    internal static Dictionary<string, bool[]> Plan(SlotMap previous, SlotMap next, string self)
    {
        var plan = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        var selfNext = next.IndexOf(self);
        if (selfNext < 0 || next.Nodes.Count <= 1)
        {
            return plan;
        }

        var selfPrevious = previous.IndexOf(self);
        var known = previous.Nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var owners = next.OwnerIndices(slot);
            if (!owners.Contains(selfNext))
            {
                continue;
            }

            var before = selfPrevious >= 0 && previous.Replicas > 0 ? previous.OwnerIndices(slot) : [];
            var gained = !before.Contains(selfPrevious);
            var promoted = owners[0] == selfNext && (before.Length == 0 || before[0] != selfPrevious);
            foreach (var owner in owners)
            {
                var id = next.Nodes[owner].Id;
                if (owner == selfNext || !(gained || promoted || !known.Contains(id)))
                {
                    continue;
                }

                if (!plan.TryGetValue(id, out var slots))
                {
                    slots = new bool[HashSlot.Count];
                    plan[id] = slots;
                }

                slots[slot] = true;
            }
        }

        return plan;
    }

    private async Task RunAsync(Dictionary<string, bool[]> plan, Hold hold)
    {
        try
        {
            await _oneAtATime.WaitAsync(_stopping.Token).ConfigureAwait(false);
            try
            {
                foreach (var (source, slots) in plan)
                {
                    if (_cluster.Ring.IndexOf(source) < 0)
                    {
                        // The source left meanwhile; the newer ring's plan covers what it held.
                        LogSourceGone(_logger, source);
                        continue;
                    }

                    await PullAsync(source, slots).ConfigureAwait(false);
                }
            }
            finally
            {
                _oneAtATime.Release();
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            Release(hold);
            Interlocked.Decrement(ref _pending);
        }
    }

    private async Task PullAsync(string source, bool[] slots)
    {
        if (_cluster.RespEndpointOf(source) is not { } endpoint)
        {
            return;
        }

        var bitmap = SlotBitmap.From(slots);
        var count = slots.Count(flag => flag);

        try
        {
            var pulled = await PullSlotsAsync(endpoint, bitmap, _stopping.Token).ConfigureAwait(false);
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
        catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException)
        {
            LogPullFailed(_logger, source, ex.Message);
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

        var after = SlotMap.Build(ring.Nodes.Where(n => n.Id != self), _cluster.ConfiguredReplicas);
        var plan = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        var selfIndex = ring.IndexOf(self);
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var before = ring.OwnerIndices(slot);
            if (!before.Contains(selfIndex))
            {
                continue;
            }

            foreach (var owner in after.OwnerIndices(slot))
            {
                var id = after.Nodes[owner].Id;
                var alreadyOwner = false;
                foreach (var previous in before)
                {
                    alreadyOwner |= ring.Nodes[previous].Id == id;
                }

                if (!alreadyOwner)
                {
                    if (!plan.TryGetValue(id, out var slots))
                    {
                        slots = new bool[HashSlot.Count];
                        plan[id] = slots;
                    }

                    slots[slot] = true;
                }
            }
        }

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
        _cluster.RingChanged -= OnRingChanged;
        _stopping.Cancel();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Hand-off: merged {Entries} newer entries of {Slots} slots from {Source}")]
    private static partial void LogPulled(ILogger logger, int entries, int slots, string source);

    [LoggerMessage(EventId = 305, Level = LogLevel.Debug, Message = "Hand-off: {Slots} slots from {Source} held nothing newer")]
    private static partial void LogNothingToPull(ILogger logger, int slots, string source);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Hand-off from {Source} failed: {Error}; the next ring change or anti-entropy will retry")]
    private static partial void LogPullFailed(ILogger logger, string source, string error);

    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Leaving: handed {Entries} entries to {Target}, their next owner")]
    private static partial void LogPushed(ILogger logger, int entries, string target);

    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Leaving: handing entries to {Target} failed ({Error}); keys with no other copy are lost")]
    private static partial void LogPushFailed(ILogger logger, string target, string error);

    [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Hand-off from {Source} skipped: it left the ring")]
    private static partial void LogSourceGone(ILogger logger, string source);
}
