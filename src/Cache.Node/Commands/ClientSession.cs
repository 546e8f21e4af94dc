using System.Buffers;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// One client connection's state: protocol, auth, name, MULTI queue and WATCHes, plus the
/// reply writer and parser it owns. Commands receive it as their context.
/// </summary>
internal sealed partial class ClientSession
{
    public ClientSession(CacheServer server, IBufferWriter<byte> output, string remoteAddress, string localAddress, bool isLoopback)
    {
        Server = server;
        _output = output;
        _current = output;
        Id = server.NextClientId();
        Reply = new ReplyWriter(output);
        Parser = new RequestParser(server.Limits);
        RemoteAddress = remoteAddress;
        LocalAddress = localAddress;
        IsLoopback = isLoopback;
        Authenticated = !server.RequiresPassword;
        CreatedAtMs = server.Keys.NowMs;
        LastInteractionMs = CreatedAtMs;
    }

    private readonly IBufferWriter<byte> _output;

    public CacheServer Server { get; }

    public KeySpace Keys => Server.Keys;

    public ReplyWriter Reply { get; }

    public RequestParser Parser { get; }

    public long Id { get; }

    public string RemoteAddress { get; }

    public string LocalAddress { get; }

    public bool IsLoopback { get; }

    public string? Name { get; set; }

    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    public bool Authenticated { get; set; }

    /// <summary>Set by QUIT (and protocol errors): close once the reply is flushed.</summary>
    public bool CloseRequested { get; set; }

    public long CreatedAtMs { get; }

    public long LastInteractionMs { get; set; }

    /// <summary>Full name of the last command run, for CLIENT LIST's cmd field.</summary>
    public string LastCommand { get; private set; } = "NULL";

    /// <summary>Commands queued by MULTI, or null outside a transaction.</summary>
    public List<(CommandDefinition Command, QueuedRequest Request)>? MultiQueue { get; set; }

    public bool InMulti => MultiQueue is not null;

    /// <summary>A command was rejected while queuing: EXEC must answer EXECABORT.</summary>
    public bool MultiFailed { get; set; }

    public WatchState Watch { get; } = new();

    /// <summary>
    /// The client showed it routes by slot itself (it sent a CLUSTER command or READONLY): it gets
    /// MOVED and CROSSSLOT as from Redis Cluster. Other clients have their commands forwarded.
    /// </summary>
    public bool ClusterAware { get; set; }

    /// <summary>READONLY: reads of slots this node holds a copy of are served here, never forwarded.</summary>
    public bool ReadFromReplica { get; set; }

    /// <summary>A peer node's connection (forwarding, replication): always served locally.</summary>
    public bool IsPeer { get; set; }

    /// <summary>Runs one parsed request: lookup, arity, auth, MULTI queuing, then the handler.</summary>
    public void Execute(in RespRequest request)
    {
        if (request.Count == 0)
        {
            return;
        }

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

        if (!command.AcceptsArgumentCount(request.Count))
        {
            Reject($"ERR wrong number of arguments for '{command.FullName}' command", command);
            return;
        }

        if (!command.HasFlag(CommandFlags.NoAuth) && !RequireAuth())
        {
            return;
        }

        if (command.HasFlag(CommandFlags.Protected) && !DebugCommand.Allowed(this))
        {
            Reject(DebugCommand.NotAllowed);
            return;
        }

        if (command.FirstKey > 0 && Server.Cluster is { } cluster && !Route(cluster, command, request))
        {
            return;
        }

        // As Redis' processCommand: with a limit, every command first makes room; while the store
        // stays over it, writes that may grow memory, anything queued in MULTI and an EXEC holding
        // such writes are refused (the transaction then aborts).
        if (Keys.MaxMemory != 0 && !Keys.EnsureMemory() && RefusedWhenOutOfMemory(command))
        {
            Reject("OOM command not allowed when used memory > 'maxmemory'.", command);
            return;
        }

        if (InMulti && !command.HasFlag(CommandFlags.Transaction))
        {
            if (command.HasFlag(CommandFlags.NoMulti))
            {
                Reject("ERR Command not allowed inside a transaction");
                return;
            }

            MultiQueue!.Add((command, request.ToQueued()));
            Reply.Queued();
            return;
        }

        if (TryForwardTransaction(command))
        {
            return;
        }

        RunReplicated(command, request);
    }

    /// <summary>Runs an already validated command (directly or from EXEC). Handlers see every argument, the name included.</summary>
    public void Run(CommandDefinition command, in RespRequest request)
    {
        LastCommand = command.FullName;
        command.Handler!(this, request);
    }

    private bool RequireAuth()
    {
        if (Authenticated || !Server.RequiresPassword)
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
            return MultiQueue?.Exists(q => q.Command.HasFlag(CommandFlags.DenyOom)) == true;
        }

        return InMulti && command.Id is not (CommandId.Discard or CommandId.Quit or CommandId.Reset);
    }

    private void Reject(string error, CommandDefinition? command = null)
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes(error);
        if (command?.Id == CommandId.Exec)
        {
            // As Redis: a rejected EXEC aborts the transaction (and its WATCHes), in MULTI or not.
            MultiQueue = null;
            MultiFailed = false;
            _multiForwardTo = null;
            _multiSlot = -1;
            Keys.Unwatch(Watch);
            var reason = error.StartsWith("ERR ", StringComparison.Ordinal) ? bytes.AsSpan("ERR ".Length) : bytes;
            Reply.Error([.. "EXECABORT Transaction discarded because of: "u8, .. reason]);
            return;
        }

        if (InMulti)
        {
            MultiFailed = true;
        }

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
