using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Cache.Client.Resp;

/// <summary>
/// One pipelined, multiplexed RESP connection: any number of callers share it; requests are
/// written in order by one writer loop (coalesced into one flush when several are ready) and
/// replies are matched to them in order by one reader loop. Completions run asynchronously, so
/// caller code never runs on the socket loop.
/// </summary>
internal sealed class RespConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly RespConnectionOptions _options;
    private readonly Channel<PendingReply> _outgoing = Channel.CreateUnbounded<PendingReply>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<PendingReply> _awaiting = new();
    private readonly SemaphoreSlim _inFlight;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _writer;
    private readonly Task _reader;
    private Exception? _failure;
    private int _disposed;
    private bool _replyBegun;   // the read loop: a reply's first bytes have been scanned
    private bool _replyIsPush;
    private PendingReply? _replyFor;

    private RespConnection(Socket socket, Stream stream, EndPoint endpoint, RespConnectionOptions options)
    {
        _socket = socket;
        _options = options;
        Endpoint = endpoint;
        _input = PipeReader.Create(stream);
        _output = PipeWriter.Create(stream);
        _inFlight = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        _writer = Task.Run(WriteLoopAsync);
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>The server this connection talks to.</summary>
    public EndPoint Endpoint { get; }

    /// <summary>False once the connection failed or was disposed; create a new one then.</summary>
    public bool IsConnected => _failure is null;

    /// <summary>Completes (never faults) once the connection failed or was disposed.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Connects, then authenticates and names the connection if the options say so.</summary>
    public static async ValueTask<RespConnection> ConnectAsync(EndPoint endpoint, RespConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new RespConnectionOptions();
        var socket = new Socket(endpoint.AddressFamily == AddressFamily.Unspecified ? AddressFamily.InterNetwork : endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
        {
            NoDelay = true,
        };
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RespConnectionException($"Could not connect to {endpoint} within {options.ConnectTimeout.TotalSeconds:0.#} s: {ex.Message}. Check that a node listens there.", ex);
        }

        Stream stream = new NetworkStream(socket, ownsSocket: false);
        if (options.Tls is { } tls)
        {
            try
            {
                stream = await AuthenticateAsync(stream, endpoint, tls(endpoint), options, linked.Token, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        var connection = new RespConnection(socket, stream, endpoint, options);
        try
        {
            if (!string.IsNullOrEmpty(options.Password))
            {
                (await connection.ExecuteAsync(["AUTH", options.Password], linked.Token).ConfigureAwait(false)).ThrowIfError();
            }

            if (options.Resp3)
            {
                (await connection.ExecuteAsync(["HELLO", "3"], linked.Token).ConfigureAwait(false)).ThrowIfError();
            }

            if (!string.IsNullOrEmpty(options.ClientName))
            {
                (await connection.ExecuteAsync(["CLIENT", "SETNAME", options.ClientName], linked.Token).ConfigureAwait(false)).ThrowIfError();
            }
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    private static async ValueTask<Stream> AuthenticateAsync(Stream network, EndPoint endpoint, SslClientAuthenticationOptions tls, RespConnectionOptions options,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, deadline).ConfigureAwait(false);
            return ssl;
        }
        catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new RespConnectionException($"The TLS handshake with {endpoint} failed within {options.ConnectTimeout.TotalSeconds:0.#} s: {ex.Message}", ex);
        }
    }

    /// <summary>Sends a command given as text arguments.</summary>
    public ValueTask<RespReply> ExecuteAsync(string[] args, CancellationToken cancellationToken = default) =>
        ExecuteAsync(args.Select(a => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(a)).ToArray(), cancellationToken);

    /// <summary>
    /// Sends one command and returns its reply (error replies are returned, not thrown). Fails with
    /// <see cref="TimeoutException"/> after <see cref="RespConnectionOptions.CommandTimeout"/> and with
    /// <see cref="RespConnectionException"/> when the connection is lost.
    /// </summary>
    public ValueTask<RespReply> ExecuteAsync(ReadOnlyMemory<byte>[] args, CancellationToken cancellationToken = default) =>
        ExecuteFrameAsync(RespCommandWriter.Encode(args), cancellationToken);

    /// <summary>Sends a command already encoded as one RESP frame (the cache builds values in place to copy them once).</summary>
    internal ValueTask<RespReply> ExecuteFrameAsync(byte[] frame, CancellationToken cancellationToken = default) =>
        SendAsync<RespReply>(new PendingReply(frame), cancellationToken);

    /// <summary>
    /// Sends one command and returns its reply's bytes exactly as the server sent them (for a node
    /// relaying a reply to its own client). Same timeouts and failures as <see cref="ExecuteAsync(ReadOnlyMemory{byte}[], CancellationToken)"/>.
    /// </summary>
    public ValueTask<byte[]> ExecuteRawAsync(ReadOnlyMemory<byte>[] args, CancellationToken cancellationToken = default) =>
        SendAsync<byte[]>(new PendingReply(RespCommandWriter.Encode(args), raw: true), cancellationToken);

    /// <summary>
    /// Sends one command and hands its reply to <paramref name="decoder"/> element by element as the
    /// bytes arrive, in the pass that finds the reply's end (no reply object, no copy of the reply);
    /// returns the decoder once it has seen the whole reply. Same timeouts and failures as
    /// <see cref="ExecuteAsync(ReadOnlyMemory{byte}[], CancellationToken)"/>.
    /// </summary>
    public ValueTask<TDecoder> ExecuteDecodedAsync<TDecoder>(ReadOnlyMemory<byte>[] args, TDecoder decoder, CancellationToken cancellationToken = default)
        where TDecoder : class, IRespFrameVisitor =>
        SendAsync<TDecoder>(new PendingReply(RespCommandWriter.Encode(args), decoder: decoder), cancellationToken);

    // The reply completes the pending request as a RespReply, the bytes, or the decoder it was given.
    private async ValueTask<T> SendAsync<T>(PendingReply pending, CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        // One deadline covers the wait for an in-flight slot and the wait for the reply; closing
        // the connection wakes both.
        using var deadline = new CancellationTokenSource(_options.CommandTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token, _closing.Token);
        try
        {
            await _inFlight.WaitAsync(linked.Token).ConfigureAwait(false);
            if (!_outgoing.Writer.TryWrite(pending))
            {
                _inFlight.Release();
                ThrowIfFailed();
            }

            return (T)await pending.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            ThrowIfFailed();
            throw new TimeoutException($"No reply from {Endpoint} within {_options.CommandTimeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>
    /// Resets the connection (RST, not FIN): bytes not yet sent are dropped instead of delivered
    /// later, so a peer cut off by a partition never runs, after the heal, a request whose sender
    /// already gave up on it. Requests still waiting fail as on <see cref="DisposeAsync"/>.
    /// </summary>
    public ValueTask AbortAsync()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing left to drop.
        }

        _socket.Dispose();
        return DisposeAsync();
    }

    /// <summary>Closes the connection; requests still waiting fail with <see cref="RespConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Fail(new RespConnectionException($"The connection to {Endpoint} was closed."));
        await Task.WhenAll(_writer, _reader).ConfigureAwait(false);
        try
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Unsent bytes of a failed connection have nowhere to go.
        }

        _socket.Dispose();
        _closing.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(_closing.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var pending))
                {
                    // Queue before writing, so the reader always finds the request its reply belongs to.
                    _awaiting.Enqueue(pending);
                    _output.Write(pending.Frame);
                }

                var flush = await _output.FlushAsync(_closing.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(new RespConnectionException($"Writing to {Endpoint} failed: {ex.Message}", ex));
        }
        finally
        {
            // Only this loop reads the channel: fail whatever is still queued once it stops.
            var failure = _failure ?? new RespConnectionException($"The connection to {Endpoint} stopped writing.");
            while (_outgoing.Reader.TryRead(out var pending))
            {
                pending.Fail(failure);
            }

            FailAwaiting(failure);
        }
    }

    private async Task ReadLoopAsync()
    {
        var parser = new RespReplyParser();
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryTakeReply(parser, ref buffer))
                {
                }

                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    Fail(new RespConnectionException($"{Endpoint} closed the connection."));
                    return;
                }
            }
        }
        catch (Exception ex)
        {
            Fail(ex as RespConnectionException ?? new RespConnectionException($"Reading from {Endpoint} failed: {ex.Message}", ex));
        }
    }

    // Takes one whole reply off the front of the buffer and completes the request it answers;
    // false when more bytes are needed. The request waiting when a reply's first byte arrives
    // decides how it is read (built, relayed as bytes, or decoded), and so does it for every
    // read that reply spans.
    private bool TryTakeReply(RespReplyParser parser, ref ReadOnlySequence<byte> buffer)
    {
        if (!_replyBegun)
        {
            var first = new SequenceReader<byte>(buffer);
            if (!first.TryPeek(out var type))
            {
                return false;
            }

            // Out-of-band (RESP3 invalidation or pub/sub): it answers no request, and is built
            // to be checked, then dropped.
            _replyIsPush = type == (byte)'>';
            _awaiting.TryPeek(out _replyFor);
            _replyBegun = true;
        }

        var owner = _replyIsPush ? null : _replyFor;
        object? value;
        SequencePosition consumed;
        if (owner?.Decoder is { } decoder)
        {
            var whole = parser.TryDecode(buffer, decoder, out consumed);
            value = decoder;
            if (!whole)
            {
                return false;
            }
        }
        else if (owner is { Raw: true })
        {
            if (!parser.TryParseRaw(buffer, out var frame, out consumed))
            {
                return false;
            }

            value = frame;
        }
        else
        {
            if (!parser.TryParse(buffer, out var reply, out consumed))
            {
                return false;
            }

            value = reply;
        }

        buffer = buffer.Slice(consumed);
        _replyBegun = false;
        if (_replyIsPush)
        {
            if (_options.OnPush is { } onPush && value is RespReply push)
            {
                onPush(push);
            }

            return true;
        }

        if (owner is null || !_awaiting.TryDequeue(out var pending) || !ReferenceEquals(pending, owner))
        {
            throw new RespConnectionException($"{Endpoint} sent a reply nobody asked for.");
        }

        pending.Complete(value!);
        _inFlight.Release();
        return true;
    }

    private void Fail(Exception failure)
    {
        if (Interlocked.CompareExchange(ref _failure, failure, null) is not null)
        {
            return;
        }

        _outgoing.Writer.TryComplete();
        FailAwaiting(failure);
        // Wakes the loops and every caller waiting for a slot or a reply.
        _closing.Cancel();
        _closed.TrySetResult();
    }

    private void FailAwaiting(Exception failure)
    {
        while (_awaiting.TryDequeue(out var pending))
        {
            pending.Fail(failure);
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new RespConnectionException(failure.Message, failure);
        }
    }

    private sealed class PendingReply(byte[] frame, bool raw = false, IRespFrameVisitor? decoder = null)
    {
        private readonly TaskCompletionSource<object> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[] Frame { get; } = frame;

        /// <summary>The reply is wanted as the bytes the server sent.</summary>
        public bool Raw => raw;

        /// <summary>The reply is handed to this decoder as it is scanned.</summary>
        public IRespFrameVisitor? Decoder => decoder;

        public Task<object> Task => _completion.Task;

        public void Complete(object value) => _completion.TrySetResult(value);

        public void Fail(Exception failure) => _completion.TrySetException(failure);
    }
}
