using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>PING ECHO QUIT AUTH HELLO SELECT.</summary>
internal static class ConnectionCommands
{
    private const string Group = "connection";
    private const AclCategories Category = AclCategories.Connection;

    public static void Register(CommandTable table)
    {
        // What AUTH, HELLO and QUIT share: allowed before AUTH, while loading or busy, never from a script.
        const CommandFlags handshake = CommandFlags.NoAuth | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast | CommandFlags.AllowBusy;
        table.Add(new("ping", -1, CommandFlags.Fast, Ping, Group, "Returns the server's liveliness response.")
        {
            Acl = Category,
            Tips = ["request_policy:all_shards", "response_policy:all_succeeded"],
        });
        table.Add(new("echo", 2, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale, Echo, Group, "Returns the given string.") { Acl = Category });
        table.Add(new("quit", -1, handshake | CommandFlags.Transaction, Quit, Group, "Closes the connection.") { Acl = Category });
        table.Add(new("auth", -2, handshake, Auth, Group, "Authenticates the connection.") { Acl = Category });
        table.Add(new("hello", -1, handshake, Hello, Group, "Handshakes with the Redis server.") { Acl = Category });
        table.Add(new("reset", 1, CommandFlags.Transaction | CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast | CommandFlags.NoAuth | CommandFlags.AllowBusy, Reset, Group, "Resets the connection.")
        {
            Acl = Category,
            Since = "6.2.0",
        });
        table.Add(new("select", 2, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale, Select, Group, "Changes the selected database.") { Acl = Category });
    }

    private static void Ping(ClientSession client, in RespRequest request)
    {
        if (request.Count > 2)
        {
            client.Reply.Error("ERR wrong number of arguments for 'ping' command"u8);
        }
        else if (client.Reply.Protocol == 2 && client.IsSubscriber)
        {
            // RESP2 subscriber mode: ["pong", argument or ""], as Redis.
            client.Reply.ArrayHeader(2);
            client.Reply.Bulk("pong"u8);
            client.Reply.Bulk(request.Count == 2 ? request[1] : default);
        }
        else if (request.Count == 2)
        {
            client.Reply.Bulk(request[1]);
        }
        else
        {
            client.Reply.Pong();
        }
    }

    // As Redis' clearClientConnectionState: no longer a MONITOR, out of MULTI, WATCH and pub/sub,
    // back to RESP2, no name, no READONLY, CLIENT REPLY OFF undone, and signed out
    // when a password is required. NO-EVICT stays, as in Redis 7.0.
    private static void Reset(ClientSession client, in RespRequest request)
    {
        client.StopMonitoring();
        client.Transaction.End(client.Keys);
        client.LeavePubSub();
        if (client.Connection.ReplyMode == ClientReplyMode.Off)
        {
            // Replies on again, RESET's own included; under SKIP, as in Redis, RESET's reply is the one skipped.
            client.Connection.ReplyMode = ClientReplyMode.On;
        }

        client.Server.Tracking.Disable(client);
        client.Reply.Protocol = 2;
        client.Connection.Name = null;
        client.Connection.ReadFromReplica = false;
        client.Connection.User = client.Server.Acl.Default;
        client.Connection.Authenticated = !client.Server.RequiresPassword;
        client.Reply.SimpleString("RESET"u8);
    }

    private static void Echo(ClientSession client, in RespRequest request) => client.Reply.Bulk(request[1]);

    private static void Quit(ClientSession client, in RespRequest request)
    {
        client.Reply.Ok();
        client.Connection.CloseRequested = true;
    }

    private static void Auth(ClientSession client, in RespRequest request)
    {
        if (request.Count > 3)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        var user = request.Count == 3 ? request[1] : "default"u8;
        var password = request[request.Count - 1];
        if (client.Server.Acl.Default.NoPass && request.Count == 2)
        {
            client.Reply.Error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"u8);
            return;
        }

        if (CheckCredentials(client, user, password) is { } found)
        {
            client.Login(found);
            client.Reply.Ok();
        }
        else
        {
            client.Reply.Error("WRONGPASS invalid username-password pair or user is disabled."u8);
        }
    }

    // The user, when enabled and the password is one of its own (any password for nopass); null otherwise, logged.
    private static AclUser? CheckCredentials(ClientSession client, ReadOnlySpan<byte> user, ReadOnlySpan<byte> password)
    {
        var found = client.Server.Acl.Find(user);
        if (found is { Enabled: true } && found.CheckPassword(password))
        {
            return found;
        }

        client.LogFailedAuth(user);
        return null;
    }

    private static void Hello(ClientSession client, in RespRequest request)
    {
        var protocol = client.Reply.Protocol;
        var next = 1;
        if (request.Count >= 2)
        {
            if (!RespNumbers.TryParseInt64(request[1], out var version))
            {
                client.Reply.Error("ERR Protocol version is not an integer or out of range"u8);
                return;
            }

            if (version is < 2 or > 3)
            {
                client.Reply.Error("NOPROTO unsupported protocol version"u8);
                return;
            }

            protocol = (int)version;
            next = 2;
        }

        string? newName = null;
        for (; next < request.Count; next++)
        {
            var more = request.Count - next - 1;
            if (Args.Is(request[next], "AUTH"u8) && more >= 2)
            {
                if (CheckCredentials(client, request[next + 1], request[next + 2]) is not { } found)
                {
                    client.Reply.Error("WRONGPASS invalid username-password pair or user is disabled."u8);
                    return;
                }

                client.Login(found);
                next += 2;
            }
            else if (Args.Is(request[next], "SETNAME"u8) && more >= 1)
            {
                var name = request[next + 1];
                if (!ClientNames.IsValid(name))
                {
                    client.Reply.Error(ClientNames.InvalidError);
                    return;
                }

                newName = Args.Text(name);
                next++;
            }
            else
            {
                client.Reply.Error($"ERR Syntax error in HELLO option '{Args.Text(request[next])}'");
                return;
            }
        }

        if (client.Server.RequiresPassword && !client.Connection.Authenticated)
        {
            client.Reply.Error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time"u8);
            return;
        }

        if (newName is not null)
        {
            client.Connection.Name = newName.Length == 0 ? null : newName;
        }

        client.Reply.Protocol = protocol;
        var reply = client.Reply;
        reply.MapHeader(7);
        reply.Bulk("server"u8);
        reply.Bulk("redis"u8);
        reply.Bulk("version"u8);
        reply.Bulk(ServerInfo.RedisVersion);
        reply.Bulk("proto"u8);
        reply.Integer(protocol);
        reply.Bulk("id"u8);
        reply.Integer(client.Connection.Id);
        reply.Bulk("mode"u8);
        // As INFO's redis_mode: a node that gossips answers CLUSTER NODES like a cluster member.
        reply.Bulk(client.Server.Cluster is null ? "standalone"u8 : "cluster"u8);
        reply.Bulk("role"u8);
        reply.Bulk("master"u8);
        reply.Bulk("modules"u8);
        reply.ArrayHeader(0);
    }

    private static void Select(ClientSession client, in RespRequest request)
    {
        if (!RespNumbers.TryParseInt64(request[1], out var index))
        {
            client.Reply.Error(Errors.NotInteger);
            return;
        }

        if (index is < int.MinValue or > int.MaxValue)
        {
            client.Reply.Error("ERR value is out of range, value must between -2147483648 and 2147483647"u8);
            return;
        }

        if (index != 0)
        {
            client.Reply.Error("ERR DB index is out of range"u8);
            return;
        }

        client.Reply.Ok();
    }
}
