using System.Globalization;
using Cache.Gossip.Ring;
using Cache.Node.Resp;
using static Cache.Node.Scripting.LuaNative;

namespace Cache.Node.Commands;

/// <summary>
/// redis.call and redis.pcall: the arguments are copied into buffers the engine reuses, the
/// command runs through the command table on the script's session with Redis' script rules,
/// and its reply, written into a reused buffer, is read back into Lua values.
/// </summary>
internal sealed unsafe partial class ScriptEngine
{
    /// <summary>Pushes (ok, reply) for the Lua wrapper, which raises when redis.call's reply is an error.</summary>
    private int Call(nint state, bool checkOnly = false)
    {
        var session = _session!;
        var argc = GetTop(state);
        if (argc == 0)
        {
            return Fail(state, "Please specify at least one argument for this redis lib call"u8);
        }

        if (_ranges.Length < argc)
        {
            _ranges = new ArgRange[Math.Max(argc, _ranges.Length * 2)];
        }

        var used = 0;
        Span<byte> number = stackalloc byte[32];
        for (var i = 1; i <= argc; i++)
        {
            scoped ReadOnlySpan<byte> arg;
            var type = Type(state, i);
            if (type == TypeNumber)
            {
                arg = number[..FormatNumber(ToNumber(state, i), number)];
            }
            else if (type == TypeString)
            {
                arg = ToBytes(state, i);
            }
            else
            {
                SetTop(state, 0);
                return Fail(state, "Lua redis lib command arguments must be strings or integers"u8);
            }

            if (_args.Length - used < arg.Length)
            {
                Array.Resize(ref _args, Math.Max(used + arg.Length, _args.Length * 2));
            }

            arg.CopyTo(_args.AsSpan(used));
            _ranges[i - 1] = new ArgRange(used, arg.Length);
            used += arg.Length;
        }

        SetTop(state, 0);
        var request = new RespRequest(_args.AsSpan(0, used), _ranges.AsSpan(0, argc));
        if (checkOnly)
        {
            return AclCheck(state, session, request);
        }

        var refused = Refusal(session, request, out var command);
        if (!refused.IsEmpty)
        {
            return Fail(state, refused);
        }

        if (command!.HasFlag(CommandFlags.Write))
        {
            _wrote = true;
        }

        if (command.HasFlag(CommandFlags.ReadOnly))
        {
            _read = true;
        }

        _reply.ResetWrittenCount();
        var reply = session.Reply;
        var protocol = reply.Protocol;
        reply.Protocol = _resp;
        session.InScript = true;
        try
        {
            using (session.Replies.Redirect(_reply))
            {
                session.RunningScript = true;
                session.Run(command, request);
            }
        }
        finally
        {
            session.RunningScript = false;
            reply.Protocol = protocol;
            session.InScript = false;
        }

        var data = _reply.WrittenSpan;
        if (data.IsEmpty)
        {
            PushBoolean(state, 1);
            PushNil(state);
            return 2;
        }

        PushBoolean(state, data[0] == (byte)'-' ? 0 : 1);
        var position = 0;
        PushReply(state, data, ref position);
        return 2;
    }

    /// <summary>Redis' scriptCall checks, in its order; null when the command may run.</summary>
    private ReadOnlySpan<byte> Refusal(ClientSession session, in RespRequest request, out CommandDefinition? command)
    {
        command = session.Server.Commands.Find(request[0]);
        if (command?.SubCommands is not null && request.Count >= 2)
        {
            command = command.SubCommands.Find(request[1]);
        }

        if (command is null)
        {
            return "Unknown Redis command called from script"u8;
        }

        if (!command.AcceptsArgumentCount(request.Count))
        {
            return "Wrong number of args calling Redis command from script"u8;
        }

        if (command.HasFlag(CommandFlags.NoScript))
        {
            return "This Redis command is not allowed from script"u8;
        }

        if (session.ScriptPermission(command, request) is { } denied)
        {
            return System.Text.Encoding.ASCII.GetBytes(denied);
        }

        if (_readOnly && command.HasFlag(CommandFlags.Write | CommandFlags.MayReplicate))
        {
            return "Write commands are not allowed from read-only scripts."u8;
        }

        if (command.HasFlag(CommandFlags.Write) && !session.Server.ReplicaRole.EnoughGoodReplicas())
        {
            return "-NOREPLICAS Not enough good replicas to write."u8;
        }

        if (!_allowOom && _oomAtStart && !_wrote && command.HasFlag(CommandFlags.DenyOom))
        {
            return "-OOM command not allowed when used memory > 'maxmemory'."u8;
        }

        if (command.FirstKey > 0 || command.Keys.IsMovable)
        {
            return ClusterRefusal(session, command, request);
        }

        return default;
    }

    // As Redis Cluster: a script touches only keys of this node, and of one slot unless it allows cross-slot keys.
    private ReadOnlySpan<byte> ClusterRefusal(ClientSession session, CommandDefinition command, in RespRequest request)
    {
        if (_clustered == false)
        {
            return default;
        }

        Span<int> positions = stackalloc int[16];
        var count = Math.Min(command.Keys.GetKeyPositions(request, positions), positions.Length);
        for (var i = 0; i < count; i++)
        {
            var slot = HashSlot.ForKey(request[positions[i]]);
            if (slot == _slot)
            {
                continue;
            }

            if (_slot >= 0 && !_allowCrossSlot)
            {
                return "Script attempted to access keys that do not hash to the same slot"u8;
            }

            var route = session.Server.Router.Route(command, request, session.Connection, session.Transaction);
            if (route.IsPlainLocal)
            {
                _clustered = false;
                return default;
            }

            _clustered = true;
            if (route.Kind != RouteKind.Local && route.Kind != RouteKind.CrossSlot)
            {
                return "Script attempted to access a non local key in a cluster node"u8;
            }

            _slot = slot;
        }

        return default;
    }

    private static int AclCheck(nint state, ClientSession session, in RespRequest request)
    {
        var command = session.Server.Commands.Find(request[0]);
        if (command?.SubCommands is not null && request.Count >= 2)
        {
            command = command.SubCommands.Find(request[1]);
        }

        if (command is null)
        {
            return Fail(state, "Invalid command passed to redis.acl_check_cmd()"u8);
        }

        var allowed = session.Connection.User.Unrestricted || session.Connection.User.Check(command, request, out _) == AclResult.Ok;
        PushBoolean(state, 1);
        PushBoolean(state, allowed ? 1 : 0);
        return 2;
    }

    private static int Fail(nint state, ReadOnlySpan<byte> error)
    {
        PushBoolean(state, 0);
        PushError(state, error);
        return 2;
    }

    /// <summary>Redis' luaPushErrorBuff: a table whose <c>err</c> is "CODE message"; a leading '-' carries the code, else it is ERR.</summary>
    private static void PushError(nint state, ReadOnlySpan<byte> text)
    {
        var code = "ERR"u8;
        var message = text;
        if (!text.IsEmpty && text[0] == (byte)'-')
        {
            message = text[1..];
            var space = message.IndexOf((byte)' ');
            if (space >= 0)
            {
                code = message[..space];
                message = message[(space + 1)..];
            }
        }

        CreateTable(state, 0, 1);
        PushBytes(state, "err"u8);
        PushBytes(state, code);
        PushBytes(state, " "u8);
        PushBytes(state, message.Trim("\r\n"u8));
        Concat(state, 3);
        RawSet(state, -3);
    }

    /// <summary>A Lua number as a command argument: "%.17g", as Redis formats it.</summary>
    private static int FormatNumber(double value, Span<byte> into)
    {
        if (double.IsNaN(value))
        {
            return Write(value < 0 || double.IsNegative(value) ? "-nan"u8 : "nan"u8, into);
        }

        if (double.IsInfinity(value))
        {
            return Write(value < 0 ? "-inf"u8 : "inf"u8, into);
        }

        value.TryFormat(into, out var written, "G17", CultureInfo.InvariantCulture);
        var exponent = into[..written].IndexOf((byte)'E');
        if (exponent >= 0)
        {
            into[exponent] = (byte)'e';
        }

        return written;

        static int Write(ReadOnlySpan<byte> text, Span<byte> into)
        {
            text.CopyTo(into);
            return text.Length;
        }
    }
}
