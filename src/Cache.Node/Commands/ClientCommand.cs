using System.Globalization;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CLIENT and its sub-commands: SETNAME GETNAME ID INFO LIST REPLY NO-EVICT SETINFO, the tracking ones, HELP.</summary>
internal static class ClientCommand
{
    private const string Group = "connection";
    private const AclCategories Category = AclCategories.Connection;
    private const string NondeterministicOutput = "nondeterministic_output";
    private const CommandFlags Flags = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;

    private static readonly string[] Help =
    [
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Return clients with the given ids.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
    ];

    public static void Register(CommandTable table)
    {
        table.Add(new CommandDefinition("client", -2, CommandFlags.None, null, Group, "A container for client connection commands.")
            .AddSubCommand(new("setname", 3, Flags, SetName, Group, "Sets the connection name.") { Acl = Category })
            .AddSubCommand(new("getname", 2, Flags, GetName, Group, "Returns the name of the connection.") { Acl = Category })
            .AddSubCommand(new("id", 2, Flags, Id, Group, "Returns the unique client ID of the connection.") { Acl = Category })
            .AddSubCommand(new("info", 2, Flags, Info, Group, "Returns information about the connection.") { Acl = Category, Tips = [NondeterministicOutput] })
            .AddSubCommand(new("list", -2, Flags | CommandFlags.Admin, List, Group, "Lists open connections.") { Acl = Category, Tips = [NondeterministicOutput] })
            .AddSubCommand(new("kill", -3, Flags | CommandFlags.Admin, ClientKillCommand.Kill, Group, "Terminates open connections.")
            {
                Acl = Category | AclCategories.Dangerous,
            })
            .AddSubCommand(new("no-evict", 3, Flags | CommandFlags.Admin, NoEvict, Group, "Sets the client eviction mode of the connection.")
            {
                Acl = Category | AclCategories.Dangerous,
            })
            .AddSubCommand(new("setinfo", 4, Flags, SetInfo, Group, "Sets information specific to the client or connection.") { Acl = Category })
            .AddSubCommand(ClientReplyCommand.Definition)
            .AddSubCommand(new("unblock", -3, Flags | CommandFlags.Admin, ClientUnblock.Run, Group, "Unblocks a client blocked by a blocking command from a different connection.") { Acl = Category })
            .AddSubCommand(new("tracking", -3, Flags, ClientTrackingCommands.Tracking, Group, "Controls server-assisted client-side caching for the connection.") { Acl = Category })
            .AddSubCommand(new("caching", 3, Flags, ClientTrackingCommands.Caching, Group, "Instructs the server whether to track the keys in the next request.") { Acl = Category })
            .AddSubCommand(new("getredir", 2, Flags, ClientTrackingCommands.GetRedirect, Group, "Returns the client ID to which the connection's tracking notifications are redirected.") { Acl = Category })
            .AddSubCommand(new("trackinginfo", 2, Flags, ClientTrackingCommands.TrackingInfo, Group, "Returns information about server-assisted client-side caching for the connection.") { Acl = Category })
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, ShowHelp, Group, "Returns helpful text about the different subcommands.") { Acl = Category }));
    }

    private static void ShowHelp(ClientSession client, in RespRequest request) => HelpReply.Write(client, "CLIENT", Help);

    private static void SetName(ClientSession client, in RespRequest request)
    {
        var name = request[2];
        if (!ClientNames.IsValid(name))
        {
            client.Reply.Error(ClientNames.InvalidError);
            return;
        }

        // An empty name removes the name, as in Redis.
        client.Connection.Name = name.IsEmpty ? null : Args.Text(name);
        client.Reply.Ok();
    }

    private static void GetName(ClientSession client, in RespRequest request)
    {
        if (client.Connection.Name is null)
        {
            client.Reply.Null();
        }
        else
        {
            client.Reply.Bulk(client.Connection.Name);
        }
    }

    private static void Id(ClientSession client, in RespRequest request) => client.Reply.Integer(client.Connection.Id);

    private static void NoEvict(ClientSession client, in RespRequest request)
    {
        var on = Args.Is(request[2], "ON"u8);
        if (!on && !Args.Is(request[2], "OFF"u8))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        client.Connection.NoEvict = on;
        client.Reply.Ok();
    }

    private static void Info(ClientSession client, in RespRequest request)
    {
        var text = new StringBuilder();
        ClientInfoLine.Append(text, client, client.Keys.NowMs, request);
        client.Reply.Verbatim(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void List(ClientSession client, in RespRequest request)
    {
        var now = client.Keys.NowMs;
        var text = new StringBuilder();
        if (request.Count == 4 && Args.Is(request[2], "TYPE"u8))
        {
            var type = request[3];
            var normal = Args.Is(type, "NORMAL"u8);
            if (!normal && !Args.Is(type, "MASTER"u8) && !Args.Is(type, "REPLICA"u8) && !Args.Is(type, "SLAVE"u8) && !Args.Is(type, "PUBSUB"u8))
            {
                client.Reply.Error($"ERR Unknown client type '{Args.Text(type)}'");
                return;
            }

            // Every client of ours is a normal one: no replicas, masters or subscribers yet.
            if (normal)
            {
                AppendAll(text, client, now, request);
            }
        }
        else if (request.Count > 3 && Args.Is(request[2], "ID"u8))
        {
            // Every id is validated before anything is listed; unknown ids are skipped.
            var ids = new long[request.Count - 3];
            for (var i = 3; i < request.Count; i++)
            {
                if (!RespNumbers.TryParseInt64(request[i], out ids[i - 3]))
                {
                    client.Reply.Error("ERR Invalid client ID"u8);
                    return;
                }
            }

            foreach (var id in ids)
            {
                if (client.Server.Clients.TryGetValue(id, out var other))
                {
                    ClientInfoLine.Append(text, other, now, other == client ? request : default);
                }
            }
        }
        else if (request.Count != 2)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }
        else
        {
            AppendAll(text, client, now, request);
        }

        client.Reply.Verbatim(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void SetInfo(ClientSession client, in RespRequest request)
    {
        var attribute = request[2];
        var lib = Args.Is(attribute, "LIB-NAME"u8);
        if (!lib && !Args.Is(attribute, "LIB-VER"u8))
        {
            client.Reply.Error($"ERR Unrecognized option '{Args.Text(attribute)}'");
            return;
        }

        var value = request[3];
        if (!ClientNames.IsValid(value))
        {
            client.Reply.Error($"ERR {Args.Text(attribute)} cannot contain spaces, newlines or special characters.");
            return;
        }

        var text = value.IsEmpty ? null : Args.Text(value);
        if (lib)
        {
            client.Connection.LibraryName = text;
        }
        else
        {
            client.Connection.LibraryVersion = text;
        }

        client.Reply.Ok();
    }

    private static void AppendAll(StringBuilder text, ClientSession self, long now, in RespRequest request)
    {
        var sessions = self.Server.Clients.Values.ToList();
        sessions.Sort((a, b) => a.Connection.Id.CompareTo(b.Connection.Id));
        foreach (var session in sessions)
        {
            ClientInfoLine.Append(text, session, now, session == self ? request : default);
        }
    }
}
