using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>The COMMAND INFO entry and COMMAND DOCS map of one command, in Redis 7's shapes, read from the table.</summary>
internal static partial class CommandCommand
{
    // Redis' flag names, in the order COMMAND INFO lists them. PROTECTED and MAY_REPLICATE are hidden
    // there, as in Redis; our TRANSACTION is not one of Redis' flags.
    private static readonly (CommandFlags Flag, string Name)[] FlagNames =
    [
        (CommandFlags.Write, "write"),
        (CommandFlags.ReadOnly, "readonly"),
        (CommandFlags.DenyOom, "denyoom"),
        (CommandFlags.Admin, "admin"),
        (CommandFlags.PubSub, "pubsub"),
        (CommandFlags.NoScript, "noscript"),
        (CommandFlags.Blocking, "blocking"),
        (CommandFlags.Loading, "loading"),
        (CommandFlags.Stale, "stale"),
        (CommandFlags.SkipMonitor, "skip_monitor"),
        (CommandFlags.SkipSlowlog, "skip_slowlog"),
        (CommandFlags.Asking, "asking"),
        (CommandFlags.Fast, "fast"),
        (CommandFlags.NoAuth, "no_auth"),
        (CommandFlags.NoMandatoryKeys, "no_mandatory_keys"),
        (CommandFlags.NoAsyncLoading, "no_async_loading"),
        (CommandFlags.NoMulti, "no_multi"),
    ];

    private static readonly (KeySpecFlags Flag, string Name)[] KeyFlagNames =
    [
        (KeySpecFlags.RO, "RO"),
        (KeySpecFlags.RW, "RW"),
        (KeySpecFlags.OW, "OW"),
        (KeySpecFlags.RM, "RM"),
        (KeySpecFlags.Access, "access"),
        (KeySpecFlags.Update, "update"),
        (KeySpecFlags.Insert, "insert"),
        (KeySpecFlags.Delete, "delete"),
        (KeySpecFlags.NotKey, "not_key"),
        (KeySpecFlags.Incomplete, "incomplete"),
        (KeySpecFlags.VariableFlags, "variable_flags"),
    ];

    /// <summary>name, arity, flags, first key, last key, step, ACL categories, tips, key specs, sub-commands.</summary>
    internal static void WriteInfo(ReplyWriter reply, CommandDefinition command)
    {
        reply.ArrayHeader(10);
        reply.Bulk(command.FullName);
        reply.Integer(command.Arity);
        WriteSimpleSet(reply, CommandFlagNames(command));
        reply.Integer(command.FirstKey);
        reply.Integer(command.LastKey);
        reply.Integer(command.Step);
        WriteSimpleSet(reply, AclCategoryNames.ToList(command.Categories));
        WriteSimpleSet(reply, command.Tips);
        WriteKeySpecs(reply, command.Keys);

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

    /// <summary>The flags COMMAND INFO shows: the table's, and movablekeys where first/last/step miss keys.</summary>
    private static List<string> CommandFlagNames(CommandDefinition command)
    {
        var names = new List<string>();
        foreach (var (flag, name) in FlagNames)
        {
            if (command.HasFlag(flag))
            {
                names.Add(name);
            }
        }

        if (command.Keys.IsMovable)
        {
            names.Add("movablekeys");
        }

        if (command.HasFlag(CommandFlags.AllowBusy))
        {
            names.Add("allow_busy");
        }

        return names;
    }

    private static List<string> KeySpecFlagNames(KeySpecFlags flags)
    {
        var names = new List<string>();
        foreach (var (flag, name) in KeyFlagNames)
        {
            if ((flags & flag) != 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>Each key spec as a map: flags, begin_search (index or keyword), find_keys (range or keynum).</summary>
    private static void WriteKeySpecs(ReplyWriter reply, CommandKeys keys)
    {
        reply.SetHeader(keys.Specs.Count);
        foreach (var spec in keys.Specs)
        {
            reply.MapHeader(3);
            reply.Bulk("flags"u8);
            WriteSimpleSet(reply, KeySpecFlagNames(spec.Flags));
            reply.Bulk("begin_search"u8);
            WriteBeginSearch(reply, spec.Begin);
            reply.Bulk("find_keys"u8);
            WriteFindKeys(reply, spec.Find);
        }
    }

    private static void WriteBeginSearch(ReplyWriter reply, KeyBeginSearch begin)
    {
        reply.MapHeader(2);
        reply.Bulk("type"u8);
        switch (begin.Kind)
        {
            case KeyBeginSearchKind.Index:
                reply.Bulk("index"u8);
                reply.Bulk("spec"u8);
                reply.MapHeader(1);
                reply.Bulk("index"u8);
                reply.Integer(begin.Index);
                break;
            case KeyBeginSearchKind.Keyword:
                reply.Bulk("keyword"u8);
                reply.Bulk("spec"u8);
                reply.MapHeader(2);
                reply.Bulk("keyword"u8);
                reply.Bulk(begin.Keyword!);
                reply.Bulk("startfrom"u8);
                reply.Integer(begin.StartFrom);
                break;
            default:
                reply.Bulk("unknown"u8);
                reply.Bulk("spec"u8);
                reply.MapHeader(0);
                break;
        }
    }

    private static void WriteFindKeys(ReplyWriter reply, KeyFindKeys find)
    {
        reply.MapHeader(2);
        reply.Bulk("type"u8);
        switch (find.Kind)
        {
            case KeyFindKeysKind.Range:
                reply.Bulk("range"u8);
                reply.Bulk("spec"u8);
                reply.MapHeader(3);
                reply.Bulk("lastkey"u8);
                reply.Integer(find.LastKey);
                reply.Bulk("keystep"u8);
                reply.Integer(find.KeyStep);
                reply.Bulk("limit"u8);
                reply.Integer(find.Limit);
                break;
            case KeyFindKeysKind.KeyNum:
                reply.Bulk("keynum"u8);
                reply.Bulk("spec"u8);
                reply.MapHeader(3);
                reply.Bulk("keynumidx"u8);
                reply.Integer(find.KeyNumIndex);
                reply.Bulk("firstkey"u8);
                reply.Integer(find.FirstKey);
                reply.Bulk("keystep"u8);
                reply.Integer(find.KeyStep);
                break;
            default:
                reply.Bulk("unknown"u8);
                reply.Bulk("spec"u8);
                reply.MapHeader(0);
                break;
        }
    }

    /// <summary>
    /// summary, since and complexity where the table has them, group and, for containers, the
    /// sub-commands' docs, in Redis' order. Arguments are left out: the table does not describe them.
    /// </summary>
    private static void WriteDocs(ReplyWriter reply, CommandDefinition command)
    {
        var subs = command.SubCommands?.All;
        var hasSubs = subs is { Count: > 0 };
        reply.MapHeader(2 + (command.Since is null ? 0 : 1) + (command.Complexity is null ? 0 : 1) + (hasSubs ? 1 : 0));
        reply.Bulk("summary"u8);
        reply.Bulk(command.Summary);
        if (command.Since is { } since)
        {
            reply.Bulk("since"u8);
            reply.Bulk(since);
        }

        reply.Bulk("group"u8);
        reply.Bulk(command.Group);
        if (command.Complexity is { } complexity)
        {
            reply.Bulk("complexity"u8);
            reply.Bulk(complexity);
        }

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

    private static void WriteSimpleSet(ReplyWriter reply, IReadOnlyList<string> items)
    {
        reply.SetHeader(items.Count);
        foreach (var item in items)
        {
            reply.SimpleString(item);
        }
    }
}
