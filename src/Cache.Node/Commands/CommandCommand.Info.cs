using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>The COMMAND INFO entry and COMMAND DOCS map of one command, in Redis 7's shapes.</summary>
internal static partial class CommandCommand
{
    // Redis' flag names, in the order COMMAND INFO lists them.
    private static readonly (CommandFlags Flag, string Name)[] FlagNames =
    [
        (CommandFlags.Write, "write"),
        (CommandFlags.ReadOnly, "readonly"),
        (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Admin, "admin"),
        (CommandFlags.Loading, "loading"),
        (CommandFlags.Stale, "stale"),
        (CommandFlags.Fast, "fast"),
        (CommandFlags.NoAuth, "no_auth"),
        (CommandFlags.NoMulti, "no_multi"),
        (CommandFlags.Protected, "protected"),
    ];

    /// <summary>name, arity, flags, first key, last key, step, ACL categories, tips, key specs, sub-commands.</summary>
    private static void WriteInfo(ReplyWriter reply, CommandDefinition command)
    {
        reply.ArrayHeader(10);
        reply.Bulk(command.FullName);
        reply.Integer(command.Arity);

        var flags = new List<string>();
        foreach (var (flag, name) in FlagNames)
        {
            if (command.HasFlag(flag))
            {
                flags.Add(name);
            }
        }

        WriteSimpleSet(reply, flags);
        reply.Integer(command.FirstKey);
        reply.Integer(command.LastKey);
        reply.Integer(command.Step);
        WriteSimpleSet(reply, Categories(command));
        reply.SetHeader(0);
        WriteKeySpecs(reply, command);

        // As Redis: an empty set without sub-commands, otherwise an array of their entries.
        var subs = command.SubCommands?.All;
        if (subs is null || subs.Count == 0)
        {
            reply.SetHeader(0);
            return;
        }

        reply.ArrayHeader(subs.Count);
        foreach (var sub in subs)
        {
            WriteInfo(reply, sub);
        }
    }

    /// <summary>One range key spec derived from first/last/step; flags are the closest of Redis' (RO access / RW access update).</summary>
    private static void WriteKeySpecs(ReplyWriter reply, CommandDefinition command)
    {
        if (command.FirstKey <= 0)
        {
            reply.SetHeader(0);
            return;
        }

        reply.SetHeader(1);
        reply.MapHeader(3);
        reply.Bulk("flags"u8);
        WriteSimpleSet(reply, command.HasFlag(CommandFlags.Write) ? ["RW", "access", "update"] : ["RO", "access"]);
        reply.Bulk("begin_search"u8);
        reply.MapHeader(2);
        reply.Bulk("type"u8);
        reply.Bulk("index"u8);
        reply.Bulk("spec"u8);
        reply.MapHeader(1);
        reply.Bulk("index"u8);
        reply.Integer(command.FirstKey);
        reply.Bulk("find_keys"u8);
        reply.MapHeader(2);
        reply.Bulk("type"u8);
        reply.Bulk("range"u8);
        reply.Bulk("spec"u8);
        reply.MapHeader(3);
        reply.Bulk("lastkey"u8);
        reply.Integer(command.LastKey < 0 ? command.LastKey : command.LastKey - command.FirstKey);
        reply.Bulk("keystep"u8);
        reply.Integer(command.Step);
        reply.Bulk("limit"u8);
        reply.Integer(0);
    }

    /// <summary>summary, group (Redis' group names) and, for containers, the sub-commands' docs. We keep no since/complexity data.</summary>
    private static void WriteDocs(ReplyWriter reply, CommandDefinition command)
    {
        var subs = command.SubCommands?.All;
        var hasSubs = subs is { Count: > 0 };
        reply.MapHeader(hasSubs ? 3 : 2);
        reply.Bulk("summary"u8);
        reply.Bulk(command.Summary);
        reply.Bulk("group"u8);
        reply.Bulk(DocGroup(command.Group));
        if (!hasSubs)
        {
            return;
        }

        reply.Bulk("subcommands"u8);
        reply.MapHeader(subs!.Count);
        foreach (var sub in subs)
        {
            reply.Bulk(sub.FullName);
            WriteDocs(reply, sub);
        }
    }

    /// <summary>ACL categories as Redis derives them: data type, read/write, admin, fast or slow, dangerous.</summary>
    private static List<string> Categories(CommandDefinition command)
    {
        var categories = new List<string>();
        var group = DocGroup(command.Group);
        var isContainer = command.SubCommands is not null;
        if (!isContainer && group == "generic")
        {
            categories.Add("@keyspace");
        }

        if (command.HasFlag(CommandFlags.ReadOnly))
        {
            categories.Add("@read");
        }

        if (command.HasFlag(CommandFlags.Write))
        {
            categories.Add("@write");
        }

        if (!isContainer && group is "set" or "sorted-set" or "list" or "hash" or "string" or "bitmap" or "hyperloglog" or "geo" or "stream" or "pubsub")
        {
            categories.Add("@" + (group == "sorted-set" ? "sortedset" : group));
        }

        if (command.HasFlag(CommandFlags.Admin))
        {
            categories.Add("@admin");
        }

        categories.Add(command.HasFlag(CommandFlags.Fast) ? "@fast" : "@slow");
        if (command.HasFlag(CommandFlags.Admin))
        {
            categories.Add("@dangerous");
        }

        // READONLY/READWRITE are documented in the cluster group but are @connection commands in Redis.
        if (!isContainer && (group == "connection" || command.Name is "readonly" or "readwrite"))
        {
            categories.Add("@connection");
        }
        else if (!isContainer && group == "transactions")
        {
            categories.Add("@transaction");
        }

        return categories;
    }

    /// <summary>Our group names to the ones Redis' documentation uses.</summary>
    private static string DocGroup(string group) => group switch
    {
        "key" or "keys" or "keyspace" => "generic",
        "transaction" => "transactions",
        _ => group,
    };

    private static void WriteSimpleSet(ReplyWriter reply, List<string> items)
    {
        reply.SetHeader(items.Count);
        foreach (var item in items)
        {
            reply.SimpleString(item);
        }
    }
}
