using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>COMMAND and its sub-commands: COUNT INFO DOCS LIST GETKEYS GETKEYSANDFLAGS HELP, all read from the command table.</summary>
internal static partial class CommandCommand
{
    private const string Group = "server";
    private const CommandFlags Flags = CommandFlags.Loading | CommandFlags.Stale;
    private const AclCategories Category = AclCategories.Connection;

    // Redis' tip for replies whose order carries no meaning.
    private const string AnyOrder = "nondeterministic_output_order";

    private static readonly string[] Help =
    [
        "(no subcommand)",
        "    Return details about all commands.",
        "COUNT",
        "    Return the total number of commands in this server.",
        "LIST",
        "    Return a list of all commands in this server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "GETKEYS <full-command>",
        "    Return the keys from a full command.",
        "GETKEYSANDFLAGS <full-command>",
        "    Return the keys and the access flags from a full command.",
    ];

    public static void Register(CommandTable table)
    {
        table.Add(new CommandDefinition("command", -1, Flags, All, Group, "Returns detailed information about all commands.") { Acl = Category, Tips = [AnyOrder] }
            .AddSubCommand(new("count", 2, Flags, Count, Group, "Returns a count of commands.") { Acl = Category })
            .AddSubCommand(new("info", -2, Flags, Info, Group, "Returns information about one, multiple or all commands.") { Acl = Category, Tips = [AnyOrder] })
            .AddSubCommand(new("docs", -2, Flags, Docs, Group, "Returns documentary information about one, multiple or all commands.") { Acl = Category, Tips = [AnyOrder] })
            .AddSubCommand(new("list", -2, Flags, List, Group, "Returns a list of command names.") { Acl = Category, Tips = [AnyOrder] })
            .AddSubCommand(new("getkeys", -4, Flags, GetKeys, Group, "Extracts the key names from an arbitrary command.") { Acl = Category })
            .AddSubCommand(new("getkeysandflags", -4, Flags, GetKeysAndFlags, Group, "Extracts the key names and access flags for an arbitrary command.") { Acl = Category })
            .AddSubCommand(new("help", 2, Flags, ShowHelp, Group, "Returns helpful text about the different subcommands.") { Acl = Category }));
    }

    private static void ShowHelp(ClientSession client, in RespRequest request) => HelpReply.Write(client, "COMMAND", Help);

    private static void All(ClientSession client, in RespRequest request)
    {
        var commands = client.Server.Commands.All;
        client.Reply.ArrayHeader(commands.Count);
        foreach (var command in commands)
        {
            WriteInfo(client.Reply, command);
        }
    }

    private static void Count(ClientSession client, in RespRequest request) => client.Reply.Integer(client.Server.Commands.All.Count);

    private static void Info(ClientSession client, in RespRequest request)
    {
        if (request.Count == 2)
        {
            All(client, request);
            return;
        }

        client.Reply.ArrayHeader(request.Count - 2);
        for (var i = 2; i < request.Count; i++)
        {
            if (Resolve(client.Server.Commands, request[i]) is { } command)
            {
                WriteInfo(client.Reply, command);
            }
            else
            {
                client.Reply.Null();
            }
        }
    }

    private static void Docs(ClientSession client, in RespRequest request)
    {
        var found = new List<CommandDefinition>();
        if (request.Count == 2)
        {
            found.AddRange(client.Server.Commands.All);
        }

        // Unknown names are left out of the map.
        for (var i = 2; i < request.Count; i++)
        {
            if (Resolve(client.Server.Commands, request[i]) is { } command)
            {
                found.Add(command);
            }
        }

        client.Reply.MapHeader(found.Count);
        foreach (var command in found)
        {
            client.Reply.Bulk(command.FullName);
            WriteDocs(client.Reply, command);
        }
    }

    private static void List(ClientSession client, in RespRequest request)
    {
        Func<CommandDefinition, bool> filter = _ => true;
        if (request.Count == 5 && Args.Is(request[2], "FILTERBY"u8))
        {
            var value = request[4].ToArray();
            if (Args.Is(request[3], "PATTERN"u8))
            {
                filter = c => Glob.IsMatch(value, Encoding.ASCII.GetBytes(c.FullName), ignoreCase: true);
            }
            else if (Args.Is(request[3], "ACLCAT"u8))
            {
                // An unknown category matches nothing, as in Redis.
                var category = AclCategoryNames.Parse(Encoding.UTF8.GetString(value));
                filter = c => category != AclCategories.None && (c.Categories & category) != 0;
            }
            else if (Args.Is(request[3], "MODULE"u8))
            {
                filter = _ => false;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }
        else if (request.Count != 2)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        var names = new List<string>();
        foreach (var command in client.Server.Commands.All)
        {
            Collect(command, filter, names);
        }

        client.Reply.ArrayHeader(names.Count);
        foreach (var name in names)
        {
            client.Reply.Bulk(name);
        }
    }

    private static void Collect(CommandDefinition command, Func<CommandDefinition, bool> filter, List<string> names)
    {
        if (filter(command))
        {
            names.Add(command.FullName);
        }

        foreach (var sub in command.SubCommands?.All ?? [])
        {
            Collect(sub, filter, names);
        }
    }

    private static void GetKeys(ClientSession client, in RespRequest request) => WriteKeys(client, request, withFlags: false);

    private static void GetKeysAndFlags(ClientSession client, in RespRequest request) => WriteKeys(client, request, withFlags: true);

    /// <summary>The keys of the command in the arguments after GETKEYS, found by its key specs; with their flags for GETKEYSANDFLAGS.</summary>
    private static void WriteKeys(ClientSession client, in RespRequest request, bool withFlags)
    {
        var target = request.Skip(2);
        var command = client.Server.Commands.Find(target[0]);
        if (command?.SubCommands is not null && target.Count >= 2)
        {
            command = command.SubCommands.Find(target[1]);
        }

        if (command is null)
        {
            client.Reply.Error("ERR Invalid command specified"u8);
            return;
        }

        if (!command.Keys.HasKeys)
        {
            client.Reply.Error("ERR The command has no key arguments"u8);
            return;
        }

        if (!command.AcceptsArgumentCount(target.Count))
        {
            client.Reply.Error("ERR Invalid number of arguments specified for command"u8);
            return;
        }

        // Never more keys than arguments.
        var positions = new int[target.Count];
        var flags = withFlags ? new KeySpecFlags[target.Count] : [];
        var found = command.Keys.GetKeyPositions(target, positions, flags);
        if (found <= 0)
        {
            if (found == 0 && command.HasFlag(CommandFlags.NoMandatoryKeys))
            {
                client.Reply.ArrayHeader(0);
            }
            else
            {
                client.Reply.Error("ERR Invalid arguments specified for command"u8);
            }

            return;
        }

        client.Reply.ArrayHeader(found);
        for (var i = 0; i < found; i++)
        {
            if (!withFlags)
            {
                client.Reply.Bulk(target[positions[i]]);
                continue;
            }

            client.Reply.ArrayHeader(2);
            client.Reply.Bulk(target[positions[i]]);
            WriteSimpleSet(client.Reply, KeySpecFlagNames(flags[i]));
        }
    }

    /// <summary>"get" or "config|get" (case-insensitive) to its definition.</summary>
    private static CommandDefinition? Resolve(CommandTable table, ReadOnlySpan<byte> name)
    {
        var bar = name.IndexOf((byte)'|');
        if (bar < 0)
        {
            return table.Find(name);
        }

        return table.Find(name[..bar])?.SubCommands?.Find(name[(bar + 1)..]);
    }
}
