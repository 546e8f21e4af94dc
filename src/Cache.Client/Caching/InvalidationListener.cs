using System.Text;
using Cache.Client.Resp;
using Cache.Client.Routing;
using Microsoft.Extensions.Logging;

namespace Cache.Client.Caching;

/// <summary>
/// Hears every change of this app's keys, wherever in the cluster it is applied: one RESP3
/// connection per ring member with <c>CLIENT TRACKING ON BCAST PREFIX &lt;InstanceName&gt;</c>
/// (the nodes raise invalidations for client writes, expiries, evictions, replication, repair and
/// hand-off alike). A copy of a value may only be kept while <see cref="IsReady"/>: every member
/// has a listening connection. Losing one, a ring change or a flush raises
/// <see cref="AllInvalidated"/> and bumps <see cref="Epoch"/>: stale is worse than slow.
/// </summary>
/// <remarks>
/// BCAST rather than default tracking: the copies (the near cache, HybridCache's L1) also hold
/// values this client wrote itself, which default tracking would not report, and the reads keep
/// going through the ordinary pooled connections, failover and all.
/// </remarks>
internal sealed partial class InvalidationListener : IAsyncDisposable
{
    private const int StripeCount = 1024;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly ReadOnlyMemory<byte> InvalidateKind = "invalidate"u8.ToArray();

    private readonly ClusterTopology _topology;
    private readonly RespConnectionOptions _options;
    private readonly byte[] _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, RespConnection> _connections = new(StringComparer.Ordinal);
    private readonly long[] _stripes = new long[StripeCount];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _disposing = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _isReady;
    private bool _everReady;
    private long _epoch;
    private Task? _loop;
    private int _disposed;

    public InvalidationListener(ClusterTopology topology, RespConnectionOptions connectionOptions, byte[] prefix, ILogger logger)
    {
        _topology = topology;
        _prefix = prefix;
        _time = connectionOptions.TimeProvider;
        _logger = logger;
        _options = new RespConnectionOptions
        {
            ConnectTimeout = connectionOptions.ConnectTimeout,
            CommandTimeout = connectionOptions.CommandTimeout,
            Password = connectionOptions.Password,
            ClientName = connectionOptions.ClientName,
            TimeProvider = connectionOptions.TimeProvider,
            MaxInFlight = 16,
            Resp3 = true,
            OnPush = OnPush,
        };
        _topology.Changed += OnTopologyChanged;
    }

    /// <summary>A key of this app (InstanceName removed) changed somewhere; raised on a socket loop, so be quick.</summary>
    public event Action<string>? KeyInvalidated;

    /// <summary>Any key may have changed unheard (a listening connection was lost, the ring changed, a flush).</summary>
    public event Action? AllInvalidated;

    /// <summary>Every ring member has a listening connection: a copy taken now will hear its invalidation.</summary>
    public bool IsReady => _isReady;

    /// <summary>Was ready at least once (a first read need not wait after that).</summary>
    public bool WasEverReady => Volatile.Read(ref _everReady);

    /// <summary>Bumped by every <see cref="AllInvalidated"/>; a read that began in another epoch must not keep its copy.</summary>
    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Starts connecting (once); nothing connects before the first cache call.</summary>
    public void Start()
    {
        if (_loop is null && _disposed == 0)
        {
            lock (_gate)
            {
                _loop ??= Task.Run(LoopAsync);
            }
        }
    }

    /// <summary>Waits until <see cref="IsReady"/> (at once when it is).</summary>
    public Task WhenReadyAsync(CancellationToken cancellationToken)
    {
        Start();
        return _isReady ? Task.CompletedTask : _ready.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A per-key counter (shared by the keys of one stripe) that every invalidation of the key bumps:
    /// read it before a GET and after keeping its value, and drop the copy when it moved.
    /// </summary>
    public long Stripe(string key) => Volatile.Read(ref _stripes[StripeOf(key)]);

    /// <summary>Bumps <paramref name="key"/>'s stripe without raising anything (this client's own write).</summary>
    public void Bump(string key) => Interlocked.Increment(ref _stripes[StripeOf(key)]);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _topology.Changed -= OnTopologyChanged;
        await _disposing.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        foreach (var connection in _connections.Values)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _connections.Clear();
        _disposing.Dispose();
    }

    private static int StripeOf(string key) => (int)((uint)StringComparer.Ordinal.GetHashCode(key) % StripeCount);

    // Keeps one listening connection per member of the current ring; wakes on a loss or a ring
    // change, and retries a member that did not answer every RetryDelay.
    private async Task LoopAsync()
    {
        var token = _disposing.Token;
        while (!token.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake);
            var epoch = Epoch;
            var snapshot = _topology.Current;
            var complete = snapshot.IsKnown;
            if (!complete)
            {
                _ = _topology.RequestRefresh();
            }

            foreach (var (endpoint, connection) in _connections.ToArray())
            {
                if (!connection.IsConnected || !snapshot.Endpoints.Contains(endpoint, StringComparer.Ordinal))
                {
                    _connections.Remove(endpoint);
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            foreach (var endpoint in snapshot.Endpoints)
            {
                if (_connections.ContainsKey(endpoint))
                {
                    continue;
                }

                try
                {
                    _connections[endpoint] = await ConnectAsync(endpoint, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    complete = false;
                    LogListenFailed(_logger, endpoint, ex.Message);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            if (complete)
            {
                TrySetReady(epoch, snapshot);
            }

            try
            {
                await (complete ? wake.Task.WaitAsync(token) : wake.Task.WaitAsync(RetryDelay, _time, token)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Retry the members that did not answer.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<RespConnection> ConnectAsync(string endpoint, CancellationToken token)
    {
        if (!NodeEndpoint.TryParse(endpoint, out var address))
        {
            throw new RespConnectionException($"\"{endpoint}\" is not a node endpoint (host:port).");
        }

        var connection = await RespConnection.ConnectAsync(address, _options, token).ConfigureAwait(false);
        try
        {
            ReadOnlyMemory<byte>[] command = _prefix.Length > 0
                ? [Bytes("CLIENT"), Bytes("TRACKING"), Bytes("ON"), Bytes("BCAST"), Bytes("PREFIX"), _prefix]
                : [Bytes("CLIENT"), Bytes("TRACKING"), Bytes("ON"), Bytes("BCAST")];
            (await connection.ExecuteAsync(command, token).ConfigureAwait(false)).ThrowIfError();
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _ = connection.Closed.ContinueWith(_ => OnLost(endpoint), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return connection;
    }

    // Ready only if nothing was lost since this round began and every connection is still up; the
    // check and a loss's reset take the same lock, so a loss is never overwritten by a late "ready".
    private void TrySetReady(long epoch, TopologySnapshot snapshot)
    {
        TaskCompletionSource? ready = null;
        lock (_gate)
        {
            if (_isReady || epoch != _epoch || !ReferenceEquals(snapshot, _topology.Current)
                || _connections.Count != snapshot.Endpoints.Count || _connections.Values.Any(c => !c.IsConnected))
            {
                return;
            }

            _isReady = true;
            _everReady = true;
            ready = _ready;
        }

        ready.TrySetResult();
    }

    private void OnLost(string endpoint)
    {
        if (_disposing.IsCancellationRequested)
        {
            return;
        }

        LogListenLost(_logger, endpoint);
        Reset();
    }

    private void OnTopologyChanged() => Reset();

    // Before the first "ready" nobody may hold a copy, so there is nothing to drop.
    private void Reset()
    {
        bool wasEverReady;
        lock (_gate)
        {
            _epoch++;
            wasEverReady = _everReady;
            if (_isReady)
            {
                _isReady = false;
                _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        if (wasEverReady)
        {
            AllInvalidated?.Invoke();
        }

        Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    // [invalidate, [key, ...]] or [invalidate, null] (a flush). Other pushes are not ours.
    private void OnPush(RespReply push)
    {
        if (push.Items is not { Count: 2 } items || items[0].Bytes is not { } kind || !kind.AsSpan().SequenceEqual(InvalidateKind.Span))
        {
            return;
        }

        if (items[1].Items is not { } keys)
        {
            lock (_gate)
            {
                _epoch++;
            }

            AllInvalidated?.Invoke();
            return;
        }

        foreach (var key in keys)
        {
            if (key.Bytes is { } bytes && bytes.AsSpan().StartsWith(_prefix))
            {
                var name = Encoding.UTF8.GetString(bytes, _prefix.Length, bytes.Length - _prefix.Length);
                Bump(name);
                KeyInvalidated?.Invoke(name);
            }
        }
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.ASCII.GetBytes(text);

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Could not listen for invalidations on {Endpoint}: {Reason}. Near copies are not kept until it answers.")]
    private static partial void LogListenFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Lost the invalidation connection to {Endpoint}; every near copy was dropped.")]
    private static partial void LogListenLost(ILogger logger, string endpoint);
}
