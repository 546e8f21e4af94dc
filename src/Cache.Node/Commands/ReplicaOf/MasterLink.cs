using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Commands;

/// <summary>
/// The replica side of Redis replication, for one master (REPLICAOF host port): connect, PING,
/// REPLCONF listening-port and capa, PSYNC ? -1, the RDB payload (length-prefixed or EOF-marked),
/// loaded over the key space, then the command stream applied through the command table by an
/// internal session that plays Redis' master client. A failed or lost link is retried once a
/// second on the server's <see cref="TimeProvider"/>; the command that asked for it never waits.
/// </summary>
internal sealed partial class MasterLink(CacheServer server, ReplicaRole role, string host, int port)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AckPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);
    private const int MaxLineBytes = 64 * 1024;
    private const int MaxCommandsPerGate = 1024;

    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Task? _run;

    /// <summary>The background loop, for tests and shutdown to wait on.</summary>
    public Task Running => _run ?? Task.CompletedTask;

    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>Stops the loop and closes its connection; call under the gate.</summary>
    public void Stop() => _stop.Cancel();

    private bool Current => !_stop.IsCancellationRequested;

    private async Task RunAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException or OperationCanceledException or ObjectDisposedException)
            {
                if (token.IsCancellationRequested)
                {
                    // REPLICAOF NO ONE (or another master) closed the socket under a pending call.
                    return;
                }

                LogLinkFailed(role.Logger, host, port, ex.Message);
            }

            SetState(MasterLinkState.Connect, down: true);
            try
            {
                await Task.Delay(RetryDelay, server.Time, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task SyncAsync(CancellationToken token)
    {
        SetState(MasterLinkState.Connecting, down: false);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(token))
        {
            connecting.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(host, port, connecting.Token).ConfigureAwait(false);
        }

        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var closeOnStop = token.Register(static s => ((Socket)s!).Dispose(), socket);
        var input = PipeReader.Create(stream);
        try
        {
            SetState(MasterLinkState.Handshake, down: false);
            await HandshakeAsync(stream, input, token).ConfigureAwait(false);
            var offset = await FullResyncAsync(stream, input, token).ConfigureAwait(false);
            SetState(MasterLinkState.Transfer, down: false);
            var rdb = await ReadPayloadAsync(input, token).ConfigureAwait(false);
            Load(rdb, offset);
            LogSynced(role.Logger, host, port, rdb.Length);
            // A disk-less master starts the stream only once the replica acknowledged the load.
            await SendAckAsync(stream, offset, token).ConfigureAwait(false);
            using var acks = CancellationTokenSource.CreateLinkedTokenSource(token);
            var acking = AckPeriodicallyAsync(stream, acks.Token);
            try
            {
                await ApplyStreamAsync(stream, input, token).ConfigureAwait(false);
            }
            finally
            {
                await acks.CancelAsync().ConfigureAwait(false);
                await acking.ConfigureAwait(false);
            }
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task HandshakeAsync(NetworkStream stream, PipeReader input, CancellationToken token)
    {
        await SendAsync(stream, ["PING"], token).ConfigureAwait(false);
        var pong = await ReadLineAsync(input, token).ConfigureAwait(false);
        // As Redis: an auth error still proves the master is there; anything else is a failure.
        if (pong.StartsWith('-') && !pong.StartsWith("-NOAUTH", StringComparison.Ordinal) && !pong.StartsWith("-NOPERM", StringComparison.Ordinal)
            && !pong.StartsWith("-ERR operation not permitted", StringComparison.Ordinal))
        {
            throw new InvalidDataException("Error reply to PING from master: " + pong);
        }

        // Errors to REPLCONF are not critical: older masters do not know every option.
        var listening = role.ListeningPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync(stream, ["REPLCONF", "listening-port", listening], token).ConfigureAwait(false);
        await ReadLineAsync(input, token).ConfigureAwait(false);
        await SendAsync(stream, ["REPLCONF", "capa", "eof", "capa", "psync2"], token).ConfigureAwait(false);
        await ReadLineAsync(input, token).ConfigureAwait(false);
    }

    private async Task<long> FullResyncAsync(NetworkStream stream, PipeReader input, CancellationToken token)
    {
        await SendAsync(stream, ["PSYNC", "?", "-1"], token).ConfigureAwait(false);
        var reply = await ReadLineAsync(input, token, skipEmpty: true).ConfigureAwait(false);
        var parts = reply.Split(' ');
        if (parts.Length != 3 || parts[0] != "+FULLRESYNC" || !long.TryParse(parts[2], System.Globalization.CultureInfo.InvariantCulture, out var offset))
        {
            throw new InvalidDataException("Unexpected reply to PSYNC from master: " + reply);
        }

        return offset;
    }

    private void Load(byte[] rdb, long offset)
    {
        using (server.Keys.Enter())
        {
            if (!Current)
            {
                throw new OperationCanceledException();
            }

            // As a Redis replica: the master's data replaces ours.
            server.Keys.Clear();
            if (!Storage.RdbFile.TryLoad(server.Keys, rdb, out _, out var error))
            {
                throw new InvalidDataException("Failed trying to load the MASTER synchronization DB: " + error);
            }

            server.Blocking.ServeReady();
            role.Offset = offset;
            role.SyncTotalBytes = -1;
            role.SyncReadBytes = 0;
            role.State = MasterLinkState.Connected;
            role.LastIoMs = server.Keys.NowMs;
        }
    }

    private async Task ApplyStreamAsync(NetworkStream stream, PipeReader input, CancellationToken token)
    {
        var sink = new ArrayBufferWriter<byte>();
        var session = new ClientSession(server, sink, $"{host}:{port}", "master", isLoopback: true) { ObeysMaster = true };
        session.Connection.Authenticated = true;
        session.Connection.User = server.Acl.Internal;
        while (true)
        {
            var result = await input.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            var ackAt = Apply(session, ref buffer);
            input.AdvanceTo(buffer.Start, buffer.End);
            await session.DrainAsync().ConfigureAwait(false);
            sink.Clear();
            if (ackAt >= 0)
            {
                await SendAckAsync(stream, ackAt, token).ConfigureAwait(false);
            }

            if (result.IsCompleted)
            {
                throw new IOException("The master closed the connection");
            }
        }
    }

    // Runs the complete commands of the buffer under the gate; returns the offset a REPLCONF GETACK asked for, or -1.
    private long Apply(ClientSession session, ref ReadOnlySequence<byte> buffer)
    {
        long ackAt = -1;
        using (server.Keys.Enter())
        {
            if (!Current)
            {
                throw new OperationCanceledException();
            }

            role.LastIoMs = server.Keys.NowMs;
            for (var n = 0; n < MaxCommandsPerGate; n++)
            {
                var status = session.Parser.TryParse(buffer, out var request, out var length);
                if (status == Resp.ParseStatus.Incomplete)
                {
                    break;
                }

                if (status == Resp.ParseStatus.ProtocolError)
                {
                    throw new InvalidDataException("Protocol error in the master's stream: " + session.Parser.Error);
                }

                if (IsGetAck(request))
                {
                    // As Redis: the ACK carries the offset before the GETACK itself.
                    ackAt = role.Offset;
                }
                else
                {
                    session.Execute(request);
                    server.Blocking.ServeReady();
                }

                role.Offset += length;
                buffer = buffer.Slice(length);
            }
        }

        return ackAt;
    }

    private static bool IsGetAck(in Resp.RespRequest request) =>
        request.Count >= 2 && Ascii.EqualsIgnoreCase(request[0], "replconf"u8) && Ascii.EqualsIgnoreCase(request[1], "getack"u8);

    private async Task AckPeriodicallyAsync(NetworkStream stream, CancellationToken token)
    {
        using var timer = new PeriodicTimer(AckPeriod, server.Time);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                long offset;
                using (server.Keys.Enter())
                {
                    offset = role.Offset;
                }

                await SendAckAsync(stream, offset, token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The link ends; the stream loop reports why.
        }
    }

    private Task SendAckAsync(NetworkStream stream, long offset, CancellationToken token) =>
        SendAsync(stream, ["REPLCONF", "ACK", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)], token);

    private async Task SendAsync(NetworkStream stream, string[] args, CancellationToken token)
    {
        var text = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (var arg in args)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(arg)).Append("\r\n").Append(arg).Append("\r\n");
        }

        await _writeLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), token).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void SetState(MasterLinkState state, bool down)
    {
        using (server.Keys.Enter())
        {
            if (!Current)
            {
                return;
            }

            if (down && role.State == MasterLinkState.Connected)
            {
                role.DownSinceMs = server.Keys.NowMs;
            }

            role.State = state;
            role.SyncTotalBytes = -1;
            role.SyncReadBytes = 0;
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Replication: the link to master {Host}:{Port} failed ({Error}); retrying in a second")]
    private static partial void LogLinkFailed(ILogger logger, string host, int port, string error);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Replication: loaded {Bytes} bytes of RDB from master {Host}:{Port}; applying its stream")]
    private static partial void LogSynced(ILogger logger, string host, int port, int bytes);
}
