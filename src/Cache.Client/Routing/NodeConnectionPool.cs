using System.Collections.Concurrent;
using Cache.Client.Resp;

namespace Cache.Client.Routing;

/// <summary>
/// One multiplexed <see cref="RespConnection"/> per node endpoint, created on first use and replaced
/// once it fails. Concurrent callers share one connect; a failed connect is remembered for a short
/// back-off so a dead node costs its callers nothing but a lookup until it is tried again.
/// </summary>
internal sealed class NodeConnectionPool : IAsyncDisposable
{
    // Long enough that a burst of requests to a dead node does not turn into a connect storm,
    // short enough that a restarted node is used again within a fraction of a second.
    private static readonly TimeSpan ReconnectBackoff = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, Attempt> _connections = new(StringComparer.Ordinal);
    private readonly RespConnectionOptions _options;
    private readonly Func<string, RespConnection, CancellationToken, Task> _handshake;
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    /// <param name="options">Options of every connection.</param>
    /// <param name="handshake">Runs once on each new connection before anyone uses it (CLUSTER RING).</param>
    public NodeConnectionPool(RespConnectionOptions options, Func<string, RespConnection, CancellationToken, Task> handshake)
    {
        _options = options;
        _handshake = handshake;
    }

    private TimeProvider Time => _options.TimeProvider;

    /// <summary>The live connection to <paramref name="endpoint"/>, connecting if needed.</summary>
    public async ValueTask<RespConnection> GetAsync(string endpoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        while (true)
        {
            var attempt = _connections.GetOrAdd(endpoint, Start);
            if (attempt.Task.IsFaulted && Time.GetElapsedTime(attempt.FinishedAt) >= ReconnectBackoff)
            {
                _connections.TryUpdate(endpoint, Start(endpoint), attempt);
                continue;
            }

            // The connect belongs to the pool, not to the first caller: one caller giving up does not fail the others.
            var connection = await attempt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (connection.IsConnected)
            {
                return connection;
            }

            Evict(endpoint, connection);
        }
    }

    /// <summary>Drops <paramref name="connection"/> if it is still the pooled one, so the next call reconnects.</summary>
    public void Evict(string endpoint, RespConnection connection)
    {
        if (_connections.TryGetValue(endpoint, out var attempt) && attempt.Task.IsCompletedSuccessfully
            && ReferenceEquals(attempt.Task.GetAwaiter().GetResult(), connection)
            && _connections.TryRemove(new KeyValuePair<string, Attempt>(endpoint, attempt)))
        {
            _ = connection.DisposeAsync().AsTask();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var attempt in _connections.Values)
        {
            try
            {
                await (await attempt.Task.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RespConnectionException or RespServerException or OperationCanceledException or TimeoutException)
            {
                // A connection that never came up has nothing to close.
            }
        }

        _connections.Clear();
        _disposing.Dispose();
    }

    private Attempt Start(string endpoint)
    {
        var attempt = new Attempt();
        attempt.Task = ConnectAsync(endpoint, attempt);
        return attempt;
    }

    private async Task<RespConnection> ConnectAsync(string endpoint, Attempt attempt)
    {
        try
        {
            if (!NodeEndpoint.TryParse(endpoint, out var address))
            {
                throw new RespConnectionException($"\"{endpoint}\" is not a node endpoint (host:port).");
            }

            var connection = await RespConnection.ConnectAsync(address, _options, _disposing.Token).ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(_options.ConnectTimeout, Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _disposing.Token);
                await _handshake(endpoint, connection, linked.Token).ConfigureAwait(false);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            return connection;
        }
        finally
        {
            attempt.FinishedAt = Time.GetTimestamp();
        }
    }

    private sealed class Attempt
    {
        public Task<RespConnection> Task { get; set; } = null!;

        public long FinishedAt { get; set; }
    }
}
