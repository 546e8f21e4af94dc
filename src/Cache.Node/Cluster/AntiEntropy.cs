using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Background;
using Cache.Node.Storage;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Cluster;

/// <summary>
/// Anti-entropy rounds: every <c>--anti-entropy-interval</c> (jittered), and soon after the ring
/// changes, this node picks a peer it shares slots with and runs <see cref="ReplicaSync.RepairAsync"/>:
/// 1 KB of segment digests confirm the shared slots agree, or the differing ones are repaired both
/// ways (newer version wins, tombstones included). A round repairs at most
/// <see cref="MaxSlotsPerRound"/> slots; when it leaves some, the next round follows 20 ms later
/// with the same peer. Replicas that missed writes converge with no operator.
/// </summary>
internal sealed partial class AntiEntropy : IAsyncDisposable
{
    /// <summary>Bounds one round's work (and the time it holds pages of the key space).</summary>
    public const int MaxSlotsPerRound = 2048;

    private readonly ClusterMembership _cluster;
    private readonly PeerLinks _peers;
    private readonly KeySpace _keys;
    private readonly SlotHandOff _handOff;
    private readonly AntiEntropyStats _stats;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BackgroundFailures _failures;
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _nudge = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private int _disposed;
    private string? _unfinished;   // the peer whose differing slots the last round did not finish

    /// <summary>Builds the rounds; they run once <see cref="Start"/> is called (by the anti-entropy hosted service).</summary>
    public AntiEntropy(ClusterMembership cluster, PeerLinks peers, KeySpace keys, SlotHandOff handOff, AntiEntropyStats stats,
        TimeSpan interval, TimeProvider time, ILogger logger, BackgroundFailures failures)
    {
        _handOff = handOff;
        _cluster = cluster;
        _peers = peers;
        _keys = keys;
        _stats = stats;
        _interval = interval;
        _time = time;
        _logger = logger;
        _failures = failures;
    }

    /// <summary>Starts the rounds (none when the interval is zero); once.</summary>
    public void Start()
    {
        if (_interval <= TimeSpan.Zero || !_loop.IsCompleted || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        _cluster.RingChanged += OnRingChanged;
        _loop = Task.Run(LoopAsync);
    }

    // A ring change is when replicas most likely differ (a node came back, a partition healed).
    private void OnRingChanged(SlotMap previous, SlotMap next) => Volatile.Read(ref _nudge).TrySetResult();

    /// <summary>Waits for the jittered interval, or less when the ring changes meanwhile.</summary>
    private async Task WaitForNextRoundAsync(CancellationToken cancellationToken)
    {
        // ±25 % jitter, so the nodes' rounds do not line up.
        var wait = _interval * (0.75 + (Random.Shared.NextDouble() * 0.5));
        var nudge = Volatile.Read(ref _nudge);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(wait, _time, timer.Token);
        await Task.WhenAny(delay, nudge.Task).ConfigureAwait(false);
        await timer.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (nudge.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _nudge, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), nudge);
        }
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                if (_unfinished is null)
                {
                    await WaitForNextRoundAsync(_stopping.Token).ConfigureAwait(false);
                }
                else
                {
                    // A breath between back-to-back rounds of a long repair, for client traffic.
                    await Task.Delay(TimeSpan.FromMilliseconds(20), _time, _stopping.Token).ConfigureAwait(false);
                }

                // Entries left in slots this node does not own reach their owners; then the owners compare.
                try
                {
                    await _handOff.PushStrandedAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (HandOffRetry.IsTransient(ex))
                {
                    LogRoundFailed(_logger, ex.Message);
                }

                await RunRoundAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException or InvalidDataException or OperationCanceledException)
            {
                _unfinished = null;
                LogRoundFailed(_logger, ex.Message);
            }
            catch (Exception ex)
            {
                // Not a peer's failure: say so once, and go on with the next round rather than stop repairing.
                _unfinished = null;
                _failures.Report(BackgroundWork.AntiEntropy, ex);
            }
        }
    }

    /// <summary>One round with a peer that shares slots with this node; false when there was none.</summary>
    public async Task<bool> RunRoundAsync(CancellationToken cancellationToken)
    {
        var ring = _cluster.Ring;
        var self = _cluster.IndexIn(ring);
        if (self < 0 || ring.Nodes.Count < 2)
        {
            return false;
        }

        var peer = _unfinished is { } again && ring.IndexOf(again) is var index && index >= 0 && index != self ? index : RandomPeer(ring.Nodes.Count, self);
        _unfinished = null;
        var shared = SharedSlots(ring, self, peer);
        var peerId = ring.Nodes[peer].Id;
        if (shared is null || _cluster.RespEndpointOf(peerId) is not { } endpoint)
        {
            return false;
        }

        RepairResult result;
        try
        {
            result = await ReplicaSync.RepairAsync(_keys, new RespReplicaPeer(_peers.ForReplication(endpoint)), shared, MaxSlotsPerRound, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RespConnectionException or TimeoutException or RespServerException or InvalidDataException)
        {
            _stats.Failed(peerId);
            throw;
        }

        _stats.Round(peerId, result);
        if (result.SlotsDiffering > 0)
        {
            LogRepaired(_logger, result.SlotsRepaired, result.SlotsDiffering, peerId, result.Pulled, result.Pushed);
        }

        if (!result.Complete)
        {
            _unfinished = peerId;
        }

        return true;
    }

    /// <summary>True when the last round left differing slots for the next one.</summary>
    public bool HasUnfinishedRepair => _unfinished is not null;

    private static int RandomPeer(int count, int self)
    {
        var peer = Random.Shared.Next(count - 1);
        return peer >= self ? peer + 1 : peer;
    }

    /// <summary>The slots both nodes hold, as a bitmap; null when none.</summary>
    internal static byte[]? SharedSlots(SlotMap ring, int self, int peer)
    {
        var shared = SlotBitmap.Create();
        var any = false;
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var owners = ring.OwnerIndices(slot);
            if (owners.Contains(self) && owners.Contains(peer))
            {
                SlotBitmap.Add(shared, slot);
                any = true;
            }
        }

        return any ? shared : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _cluster.RingChanged -= OnRingChanged;
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Anti-entropy: repaired {Repaired} of {Differing} differing slots with {Peer}; merged {Pulled} newer entries here, sent {Pushed}")]
    private static partial void LogRepaired(ILogger logger, int repaired, int differing, string peer, int pulled, int pushed);

    [LoggerMessage(EventId = 311, Level = LogLevel.Debug, Message = "Anti-entropy round failed: {Error}; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, string error);
}
