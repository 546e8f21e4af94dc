using System.Net;
using Cache.Client.Resp;

namespace Cache.Node.Cluster;

/// <summary>
/// One pipelined connection to a peer node at one protocol version, for forwarded commands,
/// replication and hand-off. Requests keep the order they were sent in, also while the
/// connection is still being made; a lost connection is made again by the next request.
/// </summary>
internal sealed class PeerLink : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly IPEndPoint _endpoint;
    private readonly int _protocol;
    private readonly RespConnectionOptions _options;
    private readonly PeerCredentials _credentials;
    private RespConnection? _connection;
    private long _failedAt;   // timestamp of the last failed connect, 0 once one succeeds
    private List<Queued>? _waiting;   // requests sent while connecting, in order
    private bool _disposed;

    public PeerLink(IPEndPoint endpoint, int protocol, RespConnectionOptions options, PeerCredentials credentials)
    {
        _endpoint = endpoint;
        _protocol = protocol;
        _options = options;
        _credentials = credentials;
    }

    public IPEndPoint Endpoint => _endpoint;

    /// <summary>
    /// True when the connection broke, or the last attempt to connect failed less than
    /// <paramref name="window"/> ago: the peer is probably down, before gossip has said so.
    /// </summary>
    public bool LooksDown(TimeSpan window)
    {
        if (_connection is { IsConnected: false })
        {
            return true;
        }

        var failedAt = Volatile.Read(ref _failedAt);
        return failedAt != 0 && _options.TimeProvider.GetElapsedTime(failedAt) < window;
    }

    /// <summary>Sends a command; the reply comes back as the bytes the peer wrote. A timeout resets the link (<see cref="AbortOnTimeout"/>).</summary>
    public Task<byte[]> SendRawAsync(ReadOnlyMemory<byte>[] args)
    {
        lock (_lock)
        {
            if (_connection is { IsConnected: true } ready && _waiting is null)
            {
                return AbortOnTimeout(ready.ExecuteRawAsync(args).AsTask());
            }

            return AbortOnTimeout(Queue(args, static (connection, args) => connection.ExecuteRawAsync(args)));
        }
    }

    /// <summary>
    /// A forwarded command that timed out may still sit in this link's send buffer (a partition
    /// drops the packets; TCP would deliver them after the heal), and the peer would then run a
    /// write whose client was told it failed, possibly over one acknowledged since. Resetting the
    /// connection drops those bytes; the link looks down until a new connection succeeds.
    /// </summary>
    private Task<T> AbortOnTimeout<T>(Task<T> reply)
    {
        _ = reply.ContinueWith(static (done, state) => ((PeerLink)state!).AbortIfTimedOut(done), this, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return reply;
    }

    private void AbortIfTimedOut(Task done)
    {
        if (done.Exception?.InnerException is not TimeoutException)
        {
            return;
        }

        RespConnection? connection;
        lock (_lock)
        {
            connection = _connection;
            _connection = null;
            Volatile.Write(ref _failedAt, _options.TimeProvider.GetTimestamp());
        }

        if (connection is not null)
        {
            _ = connection.AbortAsync().AsTask();
        }
    }

    /// <summary>
    /// Sends commands back to back on one connection (a forwarded MULTI ... EXEC); the replies come
    /// back as bytes. A reconnection cannot split them: either all go to the current connection
    /// (and fail together if it breaks) or all wait for the next one, so a queued command can never
    /// reach the peer without the MULTI before it.
    /// </summary>
    public Task<byte[]>[] SendRawAsync(IReadOnlyList<ReadOnlyMemory<byte>[]> commands)
    {
        var replies = new Task<byte[]>[commands.Count];
        lock (_lock)
        {
            if (_connection is { IsConnected: true } ready && _waiting is null)
            {
                for (var i = 0; i < commands.Count; i++)
                {
                    replies[i] = AbortOnTimeout(ready.ExecuteRawAsync(commands[i]).AsTask());
                }

                return replies;
            }

            var queued = new Queued[commands.Count];
            for (var i = 0; i < commands.Count; i++)
            {
                var one = new Queued<ReadOnlyMemory<byte>[], byte[]>(commands[i], static (connection, args) => connection.ExecuteRawAsync(args));
                (queued[i], replies[i]) = (one, AbortOnTimeout(one.Task));
            }

            Enqueue(queued);
            return replies;
        }
    }

    /// <summary>Sends a command; the reply comes back parsed. A timeout resets the link, as for forwarded commands: a replicated write held up by a partition must not arrive after the heal behind TCP's back-off.</summary>
    public Task<RespReply> SendAsync(ReadOnlyMemory<byte>[] args)
    {
        lock (_lock)
        {
            if (_connection is { IsConnected: true } ready && _waiting is null)
            {
                return AbortOnTimeout(ready.ExecuteAsync(args).AsTask());
            }

            return AbortOnTimeout(Queue(args, static (connection, args) => connection.ExecuteAsync(args)));
        }
    }

    /// <summary>
    /// Sends a command; the reply is handed to <paramref name="decoder"/> element by element as its
    /// bytes arrive (a peer's page: no reply object per element, no copy of the reply), and the
    /// decoder comes back once it has seen the whole reply.
    /// </summary>
    public Task<TDecoder> SendDecodedAsync<TDecoder>(ReadOnlyMemory<byte>[] args, TDecoder decoder)
        where TDecoder : class, IRespFrameVisitor
    {
        lock (_lock)
        {
            if (_connection is { IsConnected: true } ready && _waiting is null)
            {
                return ready.ExecuteDecodedAsync(args, decoder).AsTask();
            }

            return Queue((args, decoder), static (connection, request) => connection.ExecuteDecodedAsync(request.args, request.decoder));
        }
    }

    // Called under the lock: the request waits for the connection being made.
    private Task<TResult> Queue<TRequest, TResult>(TRequest request, Func<RespConnection, TRequest, ValueTask<TResult>> send)
    {
        var queued = new Queued<TRequest, TResult>(request, send);
        Enqueue(queued);
        return queued.Task;
    }

    private void Enqueue(params Queued[] queued)
    {
        if (_disposed)
        {
            // A link to a node that left the ring: fail like an unreachable node, never throw at the sender.
            var gone = new RespConnectionException($"The node at {_endpoint} left the cluster.");
            foreach (var item in queued)
            {
                item.Fail(gone);
            }

            return;
        }

        if (_waiting is not null)
        {
            _waiting.AddRange(queued);
            return;
        }

        _waiting = [.. queued];
        var stale = _connection;
        _connection = null;
        _ = ConnectAsync(stale);
    }

    private async Task ConnectAsync(RespConnection? stale)
    {
        if (stale is not null)
        {
            await stale.DisposeAsync().ConfigureAwait(false);
        }

        RespConnection? connection = null;
        Exception? failure = null;
        try
        {
            connection = await RespConnection.ConnectAsync(_endpoint, _options).ConfigureAwait(false);
            // First: proves this node is a peer (it need not know requirepass), and makes the other
            // node serve the connection locally, never forward.
            await PeerHandshake.RunAsync(connection, _credentials).ConfigureAwait(false);
            if (_protocol == 3)
            {
                (await connection.ExecuteAsync(["HELLO", "3"]).ConfigureAwait(false)).ThrowIfError();
            }
        }
        catch (Exception ex)
        {
            failure = ex;
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                connection = null;
            }
        }

        List<Queued> waiting;
        lock (_lock)
        {
            waiting = _waiting!;
            _waiting = null;
            if (_disposed && connection is not null)
            {
                failure = new ObjectDisposedException(nameof(PeerLink));
            }
            else if (connection is not null)
            {
                _connection = connection;
                _failedAt = 0;
                // Started under the lock, so a request sent meanwhile cannot overtake them.
                foreach (var queued in waiting)
                {
                    queued.Start(connection);
                }

                return;
            }
        }

        Volatile.Write(ref _failedAt, _options.TimeProvider.GetTimestamp());
        var error = failure as RespConnectionException
            ?? new RespConnectionException($"Could not reach the node at {_endpoint}: {failure?.Message}", failure ?? new InvalidOperationException("no connection"));
        foreach (var queued in waiting)
        {
            queued.Fail(error);
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        RespConnection? connection;
        lock (_lock)
        {
            _disposed = true;
            connection = _connection;
            _connection = null;
        }

        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    // A request waiting for the connection; started in queue order, so the connection receives
    // requests in the order they were sent.
    private abstract class Queued
    {
        public abstract void Start(RespConnection connection);

        public abstract void Fail(Exception failure);
    }

    private sealed class Queued<TRequest, TResult>(TRequest request, Func<RespConnection, TRequest, ValueTask<TResult>> send) : Queued
    {
        private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<TResult> Task => _completion.Task;

        public override void Start(RespConnection connection) => _ = Relay(send(connection, request), _completion);

        public override void Fail(Exception failure) => _completion.TrySetException(failure);

        private static async Task Relay(ValueTask<TResult> reply, TaskCompletionSource<TResult> target)
        {
            try
            {
                target.TrySetResult(await reply.ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                target.TrySetException(ex);
            }
        }
    }
}
