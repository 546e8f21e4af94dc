using System.Security.Cryptography;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>ACL and its sub-commands, as Redis 7.0 (replies and error texts).</summary>
internal static partial class AclCommand
{
    private const string Group = "server";
    private static readonly ReadOnlyMemory<byte> PeerKind = "ACL"u8.ToArray();

    private static readonly string[] Help =
    [
        "CAT [<category>]", "    List all commands that belong to <category>, or all command categories", "    when no category is specified.",
        "DELUSER <username> [<username> ...]", "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]", "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>", "    Get the user's details.",
        "GENPASS [<bits>]", "    Generate a secure 256-bit user password. The optional `bits` argument can", "    be used to specify a different size.",
        "LIST", "    Show users details in config file format.",
        "LOAD", "    Reload users from the ACL file.",
        "LOG [<count> | RESET]", "    Show the ACL log entries.",
        "SAVE", "    Save the current config to the ACL file.",
        "SETUSER <username> <attribute> [<attribute> ...]", "    Create or modify a user with the specified attributes.",
        "USERS", "    List all the registered usernames.",
        "WHOAMI", "    Return the current connection username.",
    ];

    public static void Register(CommandTable table)
    {
        const CommandFlags common = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;
        const CommandFlags admin = common | CommandFlags.Admin;
        table.Add(new CommandDefinition("acl", -2, CommandFlags.None, null, Group, "A container for Access List Control commands.")
            .AddSubCommand(new("cat", -2, common, Cat, Group, "Lists the ACL categories, or the commands inside a category."))
            .AddSubCommand(new("deluser", -3, admin, DelUser, Group, "Deletes ACL users, and terminates their connections."))
            .AddSubCommand(new("dryrun", -4, admin, DryRun, Group, "Simulates the execution of a command by a user, without executing the command."))
            .AddSubCommand(new("genpass", -2, common, GenPass, Group, "Generates a pseudorandom, secure password that can be used to identify ACL users."))
            .AddSubCommand(new("getuser", 3, admin, GetUser, Group, "Lists the ACL rules of a user."))
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, (c, in r) => HelpReply.Write(c, "ACL", Help), Group, "Returns helpful text about the different subcommands."))
            .AddSubCommand(new("list", 2, admin, List, Group, "Dumps the effective rules in ACL file format."))
            .AddSubCommand(new("load", 2, admin, Load, Group, "Reloads the rules from the configured ACL file."))
            .AddSubCommand(new("log", -2, admin, Log, Group, "Lists recent security events generated due to ACL rejections."))
            .AddSubCommand(new("save", 2, admin, Save, Group, "Saves the effective ACL rules in the configured ACL file."))
            .AddSubCommand(new("setuser", -3, admin, SetUser, Group, "Creates and modifies an ACL user and its rules."))
            .AddSubCommand(new("users", 2, admin, Users, Group, "Lists all ACL users."))
            .AddSubCommand(new("whoami", 2, common, (c, in r) => c.Reply.Bulk(c.Connection.User.Name), Group, "Returns the authenticated username of the current connection.")));
    }

    private static void SetUser(ClientSession client, in RespRequest request)
    {
        var name = Encoding.UTF8.GetString(request[2]);
        if (name.Contains(' ') || name.Contains('\0'))
        {
            client.Reply.Error("ERR Usernames can't contain spaces or null characters"u8);
            return;
        }

        var rules = new string[request.Count - 3];
        for (var i = 3; i < request.Count; i++)
        {
            rules[i - 3] = Encoding.UTF8.GetString(request[i]);
        }

        if (!client.Server.Acl.TrySetUser(name, rules, out var error))
        {
            client.Reply.Error("ERR " + error);
            return;
        }

        Changed(client);
        client.Reply.Ok();
    }

    private static void DelUser(ClientSession client, in RespRequest request)
    {
        var deleted = 0;
        for (var i = 2; i < request.Count; i++)
        {
            if (request[i].SequenceEqual("default"u8))
            {
                client.Reply.Error("ERR The 'default' user cannot be removed"u8);
                return;
            }
        }

        for (var i = 2; i < request.Count; i++)
        {
            deleted += client.Server.Acl.Delete(Encoding.UTF8.GetString(request[i])) ? 1 : 0;
        }

        if (deleted > 0)
        {
            Changed(client);
        }

        client.Reply.Integer(deleted);
    }

    private static void GetUser(ClientSession client, in RespRequest request)
    {
        var user = client.Server.Acl.Find(request[2]);
        if (user is null)
        {
            client.Reply.Null();
            return;
        }

        var reply = client.Reply;
        reply.MapHeader(6);
        reply.Bulk("flags"u8);
        var flags = user.Flags().ToList();
        reply.ArrayHeader(flags.Count);
        flags.ForEach(reply.Bulk);
        reply.Bulk("passwords"u8);
        reply.ArrayHeader(user.Passwords.Count);
        user.Passwords.ForEach(reply.Bulk);
        WriteSelector(reply, user.Root);
        reply.Bulk("selectors"u8);
        reply.ArrayHeader(user.Selectors.Count);
        foreach (var selector in user.Selectors)
        {
            reply.MapHeader(3);
            WriteSelector(reply, selector);
        }
    }

    private static void WriteSelector(ReplyWriter reply, AclSelector selector)
    {
        reply.Bulk("commands"u8);
        reply.Bulk(selector.CommandRules);
        reply.Bulk("keys"u8);
        reply.Bulk(AclUser.DescribeKeys(selector));
        reply.Bulk("channels"u8);
        reply.Bulk(AclUser.DescribeChannels(selector));
    }

    private static void List(ClientSession client, in RespRequest request)
    {
        var lines = client.Server.Acl.Describe();
        client.Reply.ArrayHeader(lines.Count);
        lines.ForEach(client.Reply.Bulk);
    }

    private static void Users(ClientSession client, in RespRequest request)
    {
        var names = client.Server.Acl.Users.Select(u => u.Name).ToList();
        client.Reply.ArrayHeader(names.Count);
        names.ForEach(client.Reply.Bulk);
    }

    private static void Cat(ClientSession client, in RespRequest request)
    {
        var reply = client.Reply;
        if (request.Count == 2)
        {
            var all = AclCategoryNames.ToList((AclCategories)(-1L)).Select(n => n[1..]).ToList();
            reply.ArrayHeader(all.Count);
            all.ForEach(reply.Bulk);
            return;
        }

        if (request.Count > 3)
        {
            client.Reply.Error($"ERR unknown subcommand or wrong number of arguments for '{Args.Text(request[1])}'. Try ACL HELP.");
            return;
        }

        var category = AclCategoryNames.Parse(Encoding.UTF8.GetString(request[2]));
        if (category == AclCategories.None)
        {
            reply.Error($"ERR Unknown category '{Args.Text(request[2])}'");
            return;
        }

        var names = new List<string>();
        foreach (var command in client.Server.Commands.All)
        {
            if ((command.Categories & category) != 0)
            {
                names.Add(command.Name);
            }

            foreach (var sub in command.SubCommands?.All ?? [])
            {
                if ((sub.Categories & category) != 0)
                {
                    names.Add(sub.FullName);
                }
            }
        }

        reply.ArrayHeader(names.Count);
        names.ForEach(reply.Bulk);
    }

    private static void GenPass(ClientSession client, in RespRequest request)
    {
        long bits = 256;
        if (request.Count > 3 || (request.Count == 3 && (!RespNumbers.TryParseInt64(request[2], out bits) || bits is <= 0 or > 4096)))
        {
            client.Reply.Error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096"u8);
            return;
        }

        var chars = (int)((bits + 3) / 4);
        client.Reply.Bulk(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes((chars + 1) / 2))[..chars]);
    }

    /// <summary>A change made here: the connections it affects are closed, and the whole ACL goes to every peer with a new version.</summary>
    private static void Changed(ClientSession client)
    {
        var server = client.Server;
        var version = server.Acl.NextVersion();
        server.EnforceAcl(client);
        if (server.Cluster is not null && !client.Connection.IsPeer)
        {
            Span<byte> text = stackalloc byte[20];
            var length = RespNumbers.Format(version, text);
            server.FanOut.Send(PeerKind, text[..length], Encoding.UTF8.GetBytes(string.Join('\n', server.Acl.Describe())));
        }
    }
}
