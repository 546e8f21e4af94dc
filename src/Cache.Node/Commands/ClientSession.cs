using System.Buffers;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// One client connection: it parses, dispatches and answers the client's commands. Its state
/// lives in parts: <see cref="Connection"/> (who, auth, names, routing flags),
/// <see cref="Transaction"/> (MULTI and WATCH) and <see cref="Replies"/> (replies in order,
/// some waiting for other nodes); where a keyed command runs is the server's
/// <see cref="CacheServer.Router"/>'s decision. Commands receive the session as their context.
/// </summary>
internal sealed partial class ClientSession
{
    private ArrayBufferWriter<byte>? _droppedReplies;

    public ClientSession(CacheServer server, IBufferWriter<byte> output, string remoteAddress, string localAddress, bool isLoopback)
    {
        Server = server;
        Reply = new ReplyWriter(output) { ErrorStats = server.ErrorStats };
        Replies = new ReplyQueue(Reply, output);
        Parser = new RequestParser(server.Limits);
        Connection = new ConnectionState(server.NextClientId(), remoteAddress, localAddress, isLoopback, !server.RequiresPassword, server.Keys.NowMs) { User = server.Acl.Default };
    }

    public CacheServer Server { get; }

    public KeySpace Keys => Server.Keys;

    public ReplyWriter Reply { get; }

    /// <summary>Where <see cref="Reply"/> writes, and the replies waiting for other nodes.</summary>
    public ReplyQueue Replies { get; }

    public RequestParser Parser { get; }

    public ConnectionState Connection { get; }

    public TransactionState Transaction { get; } = new();

    /// <summary>Full name of the last command the client sent, for CLIENT LIST's cmd field.</summary>
    public string LastCommand { get; private set; } = "NULL";

    /// <summary>Set when the connection loop must stop the batch here and drain before the next command.</summary>
    public bool EndBatch { get; set; }

    /// <summary>Runs one parsed request: lookup, arity, auth, MULTI queuing, then the handler.</summary>
    private void ExecuteCore(in RespRequest request)
    {
        if (Connection.ReplyMode == ClientReplyMode.On)
        {
            ExecuteCommand(request);
            if (Connection.ReplyMode == ClientReplyMode.SkipNext)
            {
                Connection.ReplyMode = ClientReplyMode.Skip;
            }

            return;
        }

        ClientReplyCommand.RunSilently(this, request, _droppedReplies ??= new());
    }

    /// <summary><see cref="Execute"/> whatever CLIENT REPLY says.</summary>
    public void ExecuteCommand(in RespRequest request)
    {
        if (request.Count == 0)
        {
            return;
        }

        ExecuteCommandCore(request);
        if ((TrackingMode & TrackingModes.Caching) != 0)
        {
            EndCachingHint(request);
        }
    }

    private void ExecuteCommandCore(in RespRequest request)
    {
        // As Redis' processCommand: past tracking-table-max-keys, keys are dropped (and invalidated) first.
        if (Server.Tracking.OverLimit)
        {
            Server.Tracking.LimitKeys();
        }

        // Messages published to this client since its last command go out before this reply, as in Redis.
        WritePendingPushes();
        var command = Server.Commands.Find(request[0]);
        if (command is null)
        {
            RejectUnknownCommand(request);
            return;
        }

        if (command.SubCommands is not null && request.Count >= 2)
        {
            var sub = command.SubCommands.Find(request[1]);
            if (sub is null)
            {
                Reject($"ERR unknown subcommand '{Truncate(request[1], 128)}'. Try {command.Name.ToUpperInvariant()} HELP.");
                return;
            }

            command = sub;
        }

        // As Redis' lastcmd: the command as the client sent it (EXEC while EXEC runs its queue).
        LastCommand = command.FullName;
        if (!command.AcceptsArgumentCount(request.Count))
        {
            Reject($"ERR wrong number of arguments for '{command.FullName}' command", command);
            return;
        }

        if (!command.HasFlag(CommandFlags.NoAuth) && !RequireAuth())
        {
            return;
        }

        // Before routing, MULTI and running: a client, even with the password, never reaches a peer command.
        if (command.HasFlag(CommandFlags.Peer) && !Connection.IsPeer)
        {
            Reject(PeerAuthentication.NotAPeer(command), command);
            return;
        }

        if (!CheckPermission(command, request))
        {
            return;
        }

        if (Reply.Protocol == 2 && IsSubscriber && !AllowedWhileSubscribed(command))
        {
            Reject($"ERR Can't execute '{command.FullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context", command);
            return;
        }

        if (command.HasFlag(CommandFlags.Protected) && !DebugCommand.Allowed(this))
        {
            Reject(DebugCommand.NotAllowed);
            return;
        }

        if (command.FirstKey > 0 || command.Keys.IsMovable)
        {
            var route = Server.Router.Route(command, request, Connection, Transaction);
            if (!route.IsPlainLocal && !Follow(route, command, request))
            {
                return;
            }
        }

        // As Redis' processCommand: with a limit, every command first makes room; while the store
        // stays over it, writes that may grow memory, anything queued in MULTI and an EXEC holding
        // such writes are refused (the transaction then aborts).
        if (Keys.MaxMemory != 0)
        {
            var fits = Keys.EnsureMemory();
            // Invalidations of the keys that made room go out before this command's reply, as in Redis.
            WritePendingPushes();
            if (!fits && RefusedWhenOutOfMemory(command))
            {
                Reject("OOM command not allowed when used memory > 'maxmemory'.", command);
                return;
            }
        }

        if (RefusedByReplicaRules(command))
        {
            return;
        }

        if (Transaction.InMulti && !command.HasFlag(CommandFlags.Transaction))
        {
            if (command.HasFlag(CommandFlags.NoMulti))
            {
                Reject("ERR Command not allowed inside a transaction");
                return;
            }

            Transaction.Enqueue(command, request.ToQueued());
            Reply.Queued();
            return;
        }

        if (Transaction.ForwardTo is null && RefusedWithoutQuorum(command, request))
        {
            return;
        }

        if (TryForwardTransaction(command))
        {
            return;
        }

        RunTopLevel(command, request);
    }

    /// <summary>Runs an already validated command (directly or from EXEC). Handlers see every argument, the name included.</summary>
    public void Run(CommandDefinition command, in RespRequest request)
    {
        var errors = Reply.ErrorCount;
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var tracking = Server.Tracking;
        var outer = tracking.Enter(this);
        try
        {
            RunPropagated(command, request);
        }
        finally
        {
            tracking.Leave(outer);
        }

        if ((TrackingMode & TrackingModes.On) != 0)
        {
            RememberReads(command, request);
        }

        command.Stats.Called(System.Diagnostics.Stopwatch.GetTimestamp() - start, Reply.ErrorCount != errors);
        if (Server.Monitors.Active)
        {
            FeedMonitors(command, request);
        }
    }

    private static bool AllowedWhileSubscribed(CommandDefinition command) =>
        command.Id is CommandId.Ping or CommandId.Subscribe or CommandId.Ssubscribe or CommandId.Unsubscribe or CommandId.Sunsubscribe
            or CommandId.Psubscribe or CommandId.Punsubscribe or CommandId.Quit or CommandId.Reset;

    private bool RequireAuth()
    {
        if (Connection.Authenticated || !Server.RequiresPassword)
        {
            return true;
        }

        Reply.Error("NOAUTH Authentication required."u8);
        return false;
    }

    private void RejectUnknownCommand(in RespRequest request)
    {
        var args = new System.Text.StringBuilder();
        for (var i = 1; i < request.Count && args.Length < 128; i++)
        {
            args.Append('\'').Append(Truncate(request[i], 128 - args.Length)).Append("' ");
        }

        Reject($"ERR unknown command '{Truncate(request[0], 128)}', with args beginning with: {args}");
    }

    private bool RefusedWhenOutOfMemory(CommandDefinition command)
    {
        if (command.HasFlag(CommandFlags.DenyOom))
        {
            return true;
        }

        if (command.Id == CommandId.Exec)
        {
            return Transaction.Queued(CommandFlags.DenyOom);
        }

        return Transaction.InMulti && command.Id is not (CommandId.Discard or CommandId.Quit or CommandId.Reset);
    }

    private void Reject(string error, CommandDefinition? command = null)
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes(error);
        command?.Stats.Refused();
        if (command?.Id == CommandId.Exec)
        {
            // As Redis: a rejected EXEC aborts the transaction (and its WATCHes), in MULTI or not.
            Transaction.End(Keys);
            var reason = error.StartsWith("ERR ", StringComparison.Ordinal) ? bytes.AsSpan("ERR ".Length) : bytes;
            Reply.Error([.. "EXECABORT Transaction discarded because of: "u8, .. reason]);
            return;
        }

        Transaction.Fail();
        Reply.Error(bytes);
    }

    // Redis formats these with %.128s: the bytes as they came (Latin-1 keeps each byte), cut at a NUL.
    private static string Truncate(ReadOnlySpan<byte> bytes, int max)
    {
        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            bytes = bytes[..nul];
        }

        return System.Text.Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, Math.Max(0, max))]);
    }
}
