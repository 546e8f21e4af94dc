using System.Text;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Microsoft.Extensions.Logging;

namespace Cache.Client.Routing;

/// <summary>
/// The client's view of the cluster: learnt from any seed with CLUSTER RING, rebuilt with the
/// nodes' own <see cref="SlotMap"/> code, refreshed when a node redirects (MOVED) or fails, on every
/// and periodically. Readers take <see cref="Current"/> without locks.
/// </summary>
internal sealed partial class ClusterTopology : IAsyncDisposable
{
    // Many requests fail together when a node dies; one refresh answers them all.
    private static readonly TimeSpan RefreshDebounce = TimeSpan.FromMilliseconds(100);
    private static readonly ReadOnlyMemory<byte>[] MyIdCommand = [Encoding.ASCII.GetBytes("CLUSTER"), Encoding.ASCII.GetBytes("MYID")];
    private static readonly ReadOnlyMemory<byte>[] RingCommand = [Encoding.ASCII.GetBytes("CLUSTER"), Encoding.ASCII.GetBytes("RING")];
    private static readonly ReadOnlyMemory<byte>[] ReadOnlyCommand = [Encoding.ASCII.GetBytes("READONLY")];

    private readonly string[] _seeds;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _refreshLock = new();
    private volatile TopologySnapshot _current = TopologySnapshot.Unknown;
    private Task _refreshing = Task.CompletedTask;
    private long _lastRefreshStarted;
    private Task? _periodic;
    private int _disposed;

    public ClusterTopology(string[] seeds, RespConnectionOptions connectionOptions, TimeSpan refreshInterval, ILogger logger)
    {
        _seeds = seeds;
        _refreshInterval = refreshInterval;
        _time = connectionOptions.TimeProvider;
        _logger = logger;
        Pool = new NodeConnectionPool(connectionOptions, HandshakeAsync);
    }

    public NodeConnectionPool Pool { get; }

    public TopologySnapshot Current => _current;

    /// <summary>Raised (on the refresh's thread) after <see cref="Current"/> was replaced by a different ring.</summary>
    public event Action? Changed;

    /// <summary>The configured seeds, for error messages.</summary>
    public IReadOnlyList<string> Seeds => _seeds;

    /// <summary>Why the last refresh found no node, or null after a good one.</summary>
    public Exception? LastRefreshFailure { get; private set; }

    /// <summary>
    /// Asks for a refresh without waiting for it. Calls within the debounce window of the last
    /// one, or while one runs, share it.
    /// </summary>
    public Task RequestRefresh()
    {
        lock (_refreshLock)
        {
            if (_disposed != 0 || !_refreshing.IsCompleted || (_lastRefreshStarted != 0 && _time.GetElapsedTime(_lastRefreshStarted) < RefreshDebounce))
            {
                return _refreshing;
            }

            _lastRefreshStarted = _time.GetTimestamp();
            // Off the lock and off the caller's thread: rebuilding a ring takes a few milliseconds.
            _refreshing = Task.Run(RefreshAsync);
            return _refreshing;
        }
    }

    /// <summary>Starts the periodic check (once); the first request calls it.</summary>
    public void StartPeriodicRefresh()
    {
        if (_periodic is null && _refreshInterval != Timeout.InfiniteTimeSpan && _disposed == 0)
        {
            lock (_refreshLock)
            {
                _periodic ??= PeriodicAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        Task refreshing;
        lock (_refreshLock)
        {
            refreshing = _refreshing;
        }

        await Task.WhenAll(refreshing, _periodic ?? Task.CompletedTask).ConfigureAwait(false);
        await Pool.DisposeAsync().ConfigureAwait(false);
        _disposing.Dispose();
    }

    // Known members first (they know the latest ring), then the seeds: any one answer is enough.
    private async Task RefreshAsync()
    {
        var candidates = _current.Endpoints.Concat(_seeds).Distinct(StringComparer.Ordinal).ToArray();
        Exception? last = null;
        foreach (var endpoint in candidates)
        {
            if (_disposing.IsCancellationRequested)
            {
                return;
            }

            try
            {
                var connection = await Pool.GetAsync(endpoint, _disposing.Token).ConfigureAwait(false);
                var reply = await connection.ExecuteAsync(RingCommand, _disposing.Token).ConfigureAwait(false);
                if (Apply(endpoint, reply))
                {
                    LastRefreshFailure = null;
                    return;
                }
            }
            catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                last = ex;
            }
        }

        if (last is not null)
        {
            LastRefreshFailure = last;
            LogRefreshFailed(_logger, string.Join(",", candidates), last.Message);
        }
    }

    private async Task PeriodicAsync()
    {
        try
        {
            while (!_disposing.IsCancellationRequested)
            {
                await Task.Delay(_refreshInterval, _time, _disposing.Token).ConfigureAwait(false);
                await RequestRefresh().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    // Every connection first sends a CLUSTER command, which makes the node treat it as
    // cluster-aware: MOVED instead of forwarding, so the client learns when its ring is stale.
    // Then READONLY: reads only go to a replica when the primary failed, and then the replica must
    // serve its own copy; without it, it would answer MOVED to the dead primary until gossip
    // declares it dead (seconds), and reads of that node's keys would fail for as long.
    // The replies do not matter (a standalone node answers MYID with an error).
    private static async Task HandshakeAsync(string endpoint, RespConnection connection, CancellationToken cancellationToken)
    {
        // Pipelined: one round trip.
        var myId = connection.ExecuteAsync(MyIdCommand, cancellationToken);
        var readOnly = connection.ExecuteAsync(ReadOnlyCommand, cancellationToken);
        await myId.ConfigureAwait(false);
        await readOnly.ConfigureAwait(false);
    }

    /// <summary>Takes a CLUSTER RING reply from <paramref name="endpoint"/>; true when it described the cluster.</summary>
    private bool Apply(string endpoint, RespReply reply)
    {
        if (RingReply.MeansStandalone(reply))
        {
            // The node that answered (the old one may be dead) takes every key.
            if (!string.Equals(_current.Single, endpoint, StringComparison.Ordinal))
            {
                _current = TopologySnapshot.ForSingle(endpoint);
                LogStandalone(_logger, endpoint);
                Changed?.Invoke();
            }

            return true;
        }

        if (!RingReply.TryParse(reply, out var hash, out var replicas, out var members))
        {
            LogBadRingReply(_logger, endpoint, reply.ToString());
            return false;
        }

        if (string.Equals(hash, _current.RingHash, StringComparison.Ordinal))
        {
            return true;
        }

        var map = SlotMap.Build(members.Select(m => m.Node), replicas);
        var ours = RingReply.FormatHash(map.Hash);
        if (!string.Equals(ours, hash, StringComparison.Ordinal))
        {
            // Different ring code on both sides: routing still works through MOVED, only slower.
            LogRingHashMismatch(_logger, endpoint, hash, ours);
        }

        var byName = members.GroupBy(m => m.Node.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Endpoint, StringComparer.Ordinal);
        _current = TopologySnapshot.ForRing(map, byName, hash);
        LogTopologyChanged(_logger, map.Nodes.Count, map.Replicas, hash, endpoint);
        Changed?.Invoke();
        return true;
    }
}
