using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Cache.Node.Commands;
using Cache.Node.Resp;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>
/// The RESP listener on Kestrel's connection layer: read, run every complete command in the
/// buffer under the key space gate, advance, flush once per batch. A protocol error or an
/// oversized query buffer closes that connection only.
/// </summary>
internal sealed partial class RespConnectionHandler(CacheServer server, ILogger<RespConnectionHandler> logger) : ConnectionHandler
{
    // Bounds one batch so a deep pipeline cannot hold the gate, or buffer replies, without limit.
    private const int MaxCommandsPerBatch = 1024;
    private const long MaxReplyBytesPerBatch = 1024 * 1024;
    private const long ParseOutsideGateBytes = 256 * 1024;
    // Replies waiting for other nodes are buffered whole until their turn: bound how many one batch holds.
    private const int MaxDeferredPerBatch = 256;
    // How often a connection waiting for the lock looks whether a script became busy.
    private const int BusyPollMs = 10;
    // Pushes go to the socket in chunks, each flushed: a subscriber that does not read holds at most
    // one chunk in the transport; the rest waits in its push queue, which the output limit bounds.
    private const long PushChunkBytes = 64 * 1024;

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        var output = connection.Transport.Output;
        if (server.Clients.Count >= server.Settings.MaxClients)
        {
            server.Stats.ConnectionRejected();
            await output.WriteAsync("-ERR max number of clients reached\r\n"u8.ToArray()).ConfigureAwait(false);
            return;
        }

        var remote = connection.RemoteEndPoint;
        if (ProtectedMode.Refuses(server, remote))
        {
            server.Stats.ConnectionRejected();
            await output.WriteAsync(ProtectedMode.Denied.ToArray()).ConfigureAwait(false);
            return;
        }

        var session = new ClientSession(
            server,
            output,
            remote?.ToString() ?? "unknown",
            connection.LocalEndPoint?.ToString() ?? "unknown",
            remote is not IPEndPoint ip || IPAddress.IsLoopback(ip.Address));
        session.Connection.Fd = connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket ? (long)socket.Handle : -1;
        session.Connection.Abort = () => connection.Abort(new ConnectionAbortedException("Killed by CLIENT KILL."));
        session.Wake = input.CancelPendingRead;
        // Another connection published to this one: wake the loop's pending read so it writes the pushes.
        session.Pushes.Wake = input.CancelPendingRead;
        session.Pushes.Overflow = () =>
        {
            server.Stats.OutputBufferLimitDisconnection();
            LogOutputBufferLimit(logger, session.Connection.Id, session.Connection.RemoteAddress);
            connection.Abort(new ConnectionAbortedException("The client passed its output buffer limit."));
        };
        server.Clients[session.Connection.Id] = session;
        server.Stats.ConnectionReceived();

        var closing = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        // One registration per connection, not one per read: shutdown or close wakes the pending
        // read, and a flush stuck on a client that does not read its replies.
        using var onClosing = closing.Register(static state => Wake((ConnectionContext)state!), connection);
        using var onClosed = connection.ConnectionClosed.Register(static state => Wake((ConnectionContext)state!), connection);
        // A blocked client (BLPOP...) is not reading: its wait ends when the connection closes.
        using var onClosedBlocked = connection.ConnectionClosed.Register(static state => ((ClientSession)state!).AbortBlock(), session);
        using var onClosingBlocked = closing.Register(static state => ((ClientSession)state!).AbortBlock(), session);
        try
        {
            if (!await RunAsync(session, input, output, closing, connection.ConnectionClosed).ConfigureAwait(false))
            {
                // Replies are stuck behind a client that does not read them: drop them rather than
                // let Kestrel wait out its shutdown timeout trying to send them.
                connection.Abort(new ConnectionAbortedException("The client stopped reading its replies while the connection was being closed."));
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the node is shutting down.
        }
        catch (ConnectionResetException)
        {
        }
        catch (IOException ex)
        {
            LogConnectionError(logger, session.Connection.Id, ex.Message);
        }
        finally
        {
            server.Clients.TryRemove(session.Connection.Id, out _);
            using (server.Keys.Enter())
            {
                server.Keys.Unwatch(session.Transaction.Watch);
                session.StopMonitoring();
                if (session.Replica is { } replica)
                {
                    replica.Close();
                    server.Feed.Detach(replica);
                }

                session.LeavePubSub();
                server.Tracking.Disable(session);
                session.Pushes.Close();
                if (session.Blocked is { } blocked)
                {
                    server.Blocking.Abort(blocked);
                }
            }

            await input.CompleteAsync().ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static void Wake(ConnectionContext connection)
    {
        connection.Transport.Input.CancelPendingRead();
        connection.Transport.Output.CancelPendingFlush();
    }

    /// <summary>Serves the connection; false when it ended with replies that could not be flushed.</summary>
    private async Task<bool> RunAsync(ClientSession session, PipeReader input, PipeWriter output, CancellationToken closing, CancellationToken closed)
    {
        long held = 0;
        while (true)
        {
            var result = await input.ReadAsync().ConfigureAwait(false);
            if (result.IsCanceled)
            {
                input.AdvanceTo(result.Buffer.Start);
                if (closing.IsCancellationRequested || closed.IsCancellationRequested)
                {
                    return true;
                }

                // Woken for pushes: monitor lines, or messages another connection published to this one.
                session.WritePushes();
                if ((await output.FlushAsync().ConfigureAwait(false)).IsCanceled || !await WritePushesAsync(session, output).ConfigureAwait(false))
                {
                    return false;
                }

                continue;
            }

            var buffer = result.Buffer;
            session.QueryBuffer.Read(held, buffer.Length);
            if (buffer.Length > server.Limits.QueryBufferLimit)
            {
                // As Redis: no reply, the client is closed and everyone else keeps being served.
                LogQueryBufferLimit(logger, session.Connection.Id, session.Connection.RemoteAddress, buffer.Length);
                return true;
            }

            var outcome = ProcessBatch(session, ref buffer);
            held = buffer.Length;
            if (outcome == BatchOutcome.MoreBuffered)
            {
                input.AdvanceTo(buffer.Start);
            }
            else
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (session.Replies.HasDeferred)
            {
                // Replies waiting for other nodes (forwarded commands, replicated writes), in order.
                await session.DrainAsync().ConfigureAwait(false);
            }

            session.WritePushes();
            var flush = await output.FlushAsync().ConfigureAwait(false);
            if (flush.IsCanceled || !await WritePushesAsync(session, output).ConfigureAwait(false))
            {
                return false;
            }

            if (session.Replica is { } replica)
            {
                // SYNC/PSYNC answered: from here the connection only receives the replication stream.
                await ServeReplicaAsync(replica, session.Parser, input, output).ConfigureAwait(false);
                return true;
            }

            if (session.Blocked is { } blocked)
            {
                // A blocking command waits here, after the replies before it went out; the
                // commands pipelined behind it stay in the input until it is answered.
                if (await blocked.WaitAsync().ConfigureAwait(false) is not { } reply)
                {
                    return true;
                }

                session.Replies.Defer(reply);
                await session.DrainAsync().ConfigureAwait(false);
                flush = await output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCanceled)
                {
                    return false;
                }
            }

            if (outcome == BatchOutcome.Close || flush.IsCompleted || (result.IsCompleted && outcome != BatchOutcome.MoreBuffered))
            {
                return true;
            }
        }
    }

    /// <summary>
    /// Pumps the replication stream to a replica until it closes (or is dropped for falling
    /// behind); of what the replica sends, REPLCONF ACK is noted (min-replicas-to-write, INFO's
    /// lag and offset) and the rest ignored.
    /// </summary>
    private async Task ServeReplicaAsync(ReplicaLink replica, RequestParser parser, PipeReader input, PipeWriter output)
    {
        var pump = replica.PumpAsync(output);
        while (!pump.IsCompleted)
        {
            var read = input.ReadAsync().AsTask();
            if (await Task.WhenAny(read, pump).ConfigureAwait(false) == pump)
            {
                input.CancelPendingRead();
                var last = await read.ConfigureAwait(false);
                input.AdvanceTo(last.Buffer.End);
                break;
            }

            var result = await read.ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!NoteAcks(replica, parser, ref buffer))
            {
                break;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }

        replica.Close();
        await pump.ConfigureAwait(false);
    }

    /// <summary>Writes the pushes waiting for this connection, a chunk per flush; false when the flush was cancelled.</summary>
    private static async ValueTask<bool> WritePushesAsync(ClientSession session, PipeWriter output)
    {
        while (session.Pushes.HasPending)
        {
            session.Pushes.DrainTo(session.Reply, PushChunkBytes);
            var flush = await output.FlushAsync().ConfigureAwait(false);
            if (flush.IsCanceled)
            {
                return false;
            }

            if (flush.IsCompleted)
            {
                return true;
            }
        }

        return true;
    }

    private BatchOutcome ProcessBatch(ClientSession session, ref ReadOnlySequence<byte> buffer)
    {
        var executed = 0;
        long consumed = 0;
        session.Reply.BytesWritten = 0;
        var outcome = BatchOutcome.NeedMoreInput;
        var held = false;
        try
        {
            while (true)
            {
                // Parsing a large frame (copying it whole) must not stall every other client: with
                // much buffered, parse outside the gate; small pipelined frames share one acquisition.
                if (held && buffer.Length > ParseOutsideGateBytes)
                {
                    server.Keys.Exit();
                    held = false;
                }

                session.Parser.Unauthenticated = server.RequiresPassword && !session.Connection.Authenticated;
                var status = session.Parser.TryParse(buffer, out var request, out var length);
                if (status == ParseStatus.Incomplete)
                {
                    break;
                }

                if (status == ParseStatus.ProtocolError)
                {
                    server.Stats.ProtocolError();
                    LogProtocolError(logger, session.Connection.Id, session.Connection.RemoteAddress, session.Parser.Error);
                    session.Reply.Error("ERR " + session.Parser.Error);
                    outcome = BatchOutcome.Close;
                    break;
                }

                if (!held)
                {
                    held = EnterUnlessBusy();
                }

                session.QueryBuffer.Buffered(buffer.Length);
                try
                {
                    if (held)
                    {
                        session.Execute(request);
                        // Clients blocked on keys this command wrote are served now, before the next command.
                        server.Blocking.ServeReady();
                    }
                    else
                    {
                        // A script runs past its busy threshold: answered without the lock (BUSY, or SCRIPT KILL).
                        session.ExecuteWhileBusy(request);
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A bug must not take the node down; the reply stream may be out of step, so close.
                    LogCommandFailed(logger, ex, session.Connection.Id);
                    session.Reply.Error("ERR internal error, the connection will be closed; see the node's log");
                    session.Connection.CloseRequested = true;
                }

                buffer = buffer.Slice(length);
                consumed += length;
                executed++;
                if (session.Connection.CloseRequested)
                {
                    outcome = BatchOutcome.Close;
                    break;
                }

                if (session.EndBatch)
                {
                    // A reply that runs at drain time (a quorum read): nothing after it may run first.
                    session.EndBatch = false;
                    outcome = BatchOutcome.MoreBuffered;
                    break;
                }

                if (executed >= MaxCommandsPerBatch || session.Reply.BytesWritten >= MaxReplyBytesPerBatch || session.Replies.DeferredCount >= MaxDeferredPerBatch)
                {
                    outcome = BatchOutcome.MoreBuffered;
                    break;
                }
            }
        }
        finally
        {
            if (held)
            {
                server.Keys.Exit();
            }
        }

        session.Connection.LastInteractionMs = server.Keys.NowMs;
        session.QueryBuffer.Buffered(buffer.Length);
        session.ReplyPeak = Math.Max(session.ReplyPeak, session.Reply.BytesWritten);
        session.Parser.TrimBuffers();
        server.Stats.CommandsExecuted(executed);
        server.Stats.Traffic(consumed, session.Reply.BytesWritten);
        return outcome;
    }

    // False on a protocol error: the replica's connection is closed.
    private bool NoteAcks(ReplicaLink replica, RequestParser parser, ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            var status = parser.TryParse(buffer, out var request, out var length);
            if (status == ParseStatus.Incomplete)
            {
                return true;
            }

            if (status == ParseStatus.ProtocolError)
            {
                return false;
            }

            if (request.Count >= 3 && Ascii.EqualsIgnoreCase(request[0], "replconf"u8) && Ascii.EqualsIgnoreCase(request[1], "ack"u8)
                && RespNumbers.TryParseInt64(request[2], out var offset))
            {
                replica.AckOffset = offset;
                replica.LastAckMs = server.Keys.NowMs;
            }

            buffer = buffer.Slice(length);
        }
    }

    /// <summary>Takes the key-space lock, unless a script holds it past its busy threshold (then false, without it).</summary>
    private bool EnterUnlessBusy()
    {
        if (server.Keys.TryEnter(0))
        {
            return true;
        }

        while (!server.Scripts.IsBusy && !server.Functions.Engine.IsBusy)
        {
            if (server.Keys.TryEnter(BusyPollMs))
            {
                return true;
            }
        }

        return false;
    }

    private enum BatchOutcome
    {
        NeedMoreInput,
        MoreBuffered,
        Close,
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Client {ClientId} ({Remote}) sent a bad request and was closed: {Error}")]
    private static partial void LogProtocolError(ILogger logger, long clientId, string remote, string error);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Client {ClientId} ({Remote}) reached the query buffer limit ({Bytes} bytes buffered) and was closed; raise client-query-buffer-limit if this client is legitimate")]
    private static partial void LogQueryBufferLimit(ILogger logger, long clientId, string remote, long bytes);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "A command failed on client {ClientId}; the connection was closed")]
    private static partial void LogCommandFailed(ILogger logger, Exception exception, long clientId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Client {ClientId} ({Remote}) passed client-output-buffer-limit pubsub and was closed; it does not read its messages fast enough")]
    private static partial void LogOutputBufferLimit(ILogger logger, long clientId, string remote);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Client {ClientId} connection error: {Message}")]
    private static partial void LogConnectionError(ILogger logger, long clientId, string message);
}
