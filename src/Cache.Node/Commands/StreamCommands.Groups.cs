using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>XGROUP, XREADGROUP, XACK: consumer groups and their pending entries.</summary>
internal static partial class StreamCommands
{
    private static readonly string[] GroupHelp =
    [
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
    ];

    private static void RegisterGroup(CommandTable table)
    {
        static CommandDefinition Sub(string name, int arity, CommandFlags flags, CommandHandler handler, KeySpecFlags keyFlags, string summary) =>
            new(name, arity, flags, handler, Group, summary)
            {
                Keys = new([KeySpec.At(2, keyFlags)]),
                Acl = Category,
            };

        table.Add(new CommandDefinition("xgroup", -2, CommandFlags.None, null, Group, "A container for consumer groups commands.")
            .AddSubCommand(Sub("create", -5, CommandFlags.Write | CommandFlags.DenyOom, XGroupCreate, KeySpecFlags.RW | KeySpecFlags.Insert, "Creates a consumer group."))
            .AddSubCommand(Sub("setid", -5, CommandFlags.Write, XGroupSetId, KeySpecFlags.RW | KeySpecFlags.Update, "Sets the last-delivered ID of a consumer group."))
            .AddSubCommand(Sub("destroy", 4, CommandFlags.Write, XGroupDestroy, KeySpecFlags.RW | KeySpecFlags.Delete, "Destroys a consumer group."))
            .AddSubCommand(Sub("createconsumer", 5, CommandFlags.Write | CommandFlags.DenyOom, XGroupCreateConsumer, KeySpecFlags.RW | KeySpecFlags.Insert, "Creates a consumer in a consumer group."))
            .AddSubCommand(Sub("delconsumer", 5, CommandFlags.Write, XGroupDelConsumer, KeySpecFlags.RW | KeySpecFlags.Delete, "Deletes a consumer from a consumer group."))
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, (c, in r) => HelpReply.Write(c, "XGROUP", GroupHelp), Group, "Returns helpful text about the different subcommands.")
            {
                Acl = Category,
            }));
    }

    /// <summary>
    /// XGROUP's common part (Redis' xgroupCommand before the subcommands): the options after the id,
    /// the stream, and the group when the subcommand needs it. False after replying.
    /// </summary>
    private static bool TryOpenGroupCommand(ClientSession client, in RespRequest request, bool create, bool setId, out bool makeStream, out long entriesRead)
    {
        makeStream = false;
        entriesRead = StreamGroup.InvalidEntriesRead;
        for (var i = 5; i < request.Count;)
        {
            if (create && Args.Is(request[i], "MKSTREAM"u8))
            {
                makeStream = true;
                i++;
            }
            else if ((create || setId) && Args.Is(request[i], "ENTRIESREAD"u8) && i + 1 < request.Count)
            {
                if (!RespNumbers.TryParseInt64(request[i + 1], out entriesRead))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return false;
                }

                if (entriesRead < 0 && entriesRead != StreamGroup.InvalidEntriesRead)
                {
                    client.Reply.Error(StreamErrors.EntriesReadNegative);
                    return false;
                }

                i += 2;
            }
            else
            {
                client.Reply.Error(StreamErrors.Subcommand(request[1], "XGROUP"));
                return false;
            }
        }

        ref var entry = ref FindForWrite(client, request[2], out var wrongType);
        if (wrongType)
        {
            return false;
        }

        if (Unsafe.IsNullRef(ref entry) && !makeStream)
        {
            client.Reply.Error(StreamErrors.KeyMustExist);
            return false;
        }

        return true;
    }

    /// <summary>The decoded groups of the stream at <paramref name="key"/> and the named group, or false after NOGROUP.</summary>
    private static bool TryFindGroup(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> name, out StreamGroups groups, out StreamGroup group)
    {
        groups = StreamGroups.Decode(client.Keys.Streams.Get(client.Keys.Lookup(key)).Groups);
        group = groups.Find(name)!;
        if (group is not null)
        {
            return true;
        }

        client.Reply.Error(StreamErrors.NoSuchGroup(name, key));
        return false;
    }

    /// <summary>Packs changed groups back into the stream and versions it.</summary>
    private static void SaveGroups(ClientSession client, ReadOnlySpan<byte> key, StreamGroups groups)
    {
        ref var entry = ref client.Keys.Lookup(key);
        client.Keys.Streams.Get(entry).SetGroups(groups.Encode());
        client.Keys.Streams.Written(ref entry);
    }

    private static void XGroupCreate(ClientSession client, in RespRequest request)
    {
        if (!TryOpenGroupCommand(client, request, create: true, setId: false, out _, out var entriesRead))
        {
            return;
        }

        if (request.Count > 8)
        {
            client.Reply.Error(StreamErrors.Subcommand(request[1], "XGROUP"));
            return;
        }

        var key = request[2];
        ref var entry = ref client.Keys.Lookup(key);
        var exists = !Unsafe.IsNullRef(ref entry);
        StreamId id;
        if (request[4] is [(byte)'$'])
        {
            id = exists ? client.Keys.Streams.Get(entry).LastId : StreamId.Zero;
        }
        else if (!StreamArgs.TryParseOrReply(client, request[4], 0, strict: true, out id))
        {
            return;
        }

        if (!exists)
        {
            entry = ref client.Keys.GetOrAdd(key, out _);
            client.Keys.Streams.Create(ref entry);
        }

        var groups = StreamGroups.Decode(client.Keys.Streams.Get(entry).Groups);
        if (!groups.TryAdd(new StreamGroup(request[3].ToArray(), id, entriesRead)))
        {
            client.Reply.Error(StreamErrors.BusyGroup);
            return;
        }

        SaveGroups(client, key, groups);
        Notify(client, "xgroup-create"u8, key);
        client.Reply.Ok();
    }

    private static void XGroupSetId(ClientSession client, in RespRequest request)
    {
        if (!TryOpenGroupCommand(client, request, create: false, setId: true, out _, out var entriesRead)
            || !TryFindGroup(client, request[2], request[3], out var groups, out var group))
        {
            return;
        }

        if (request.Count is not (5 or 7))
        {
            client.Reply.Error(StreamErrors.Subcommand(request[1], "XGROUP"));
            return;
        }

        var key = request[2];
        StreamId id;
        if (request[4] is [(byte)'$'])
        {
            id = client.Keys.Streams.Get(client.Keys.Lookup(key)).LastId;
        }
        else if (!StreamArgs.TryParseOrReply(client, request[4], 0, strict: false, out id))
        {
            return;
        }

        group.LastId = id;
        group.EntriesRead = entriesRead;
        SaveGroups(client, key, groups);
        Notify(client, "xgroup-setid"u8, key);
        client.Reply.Ok();
    }

    private static void XGroupDestroy(ClientSession client, in RespRequest request)
    {
        if (!TryOpenGroupCommand(client, request, create: false, setId: false, out _, out _))
        {
            return;
        }

        var key = request[2];
        var groups = StreamGroups.Decode(client.Keys.Streams.Get(client.Keys.Lookup(key)).Groups);
        if (!groups.Remove(request[3]))
        {
            client.Reply.Integer(0);
            return;
        }

        SaveGroups(client, key, groups);
        Notify(client, "xgroup-destroy"u8, key);
        client.Reply.Integer(1);
    }

    private static void XGroupCreateConsumer(ClientSession client, in RespRequest request)
    {
        if (!TryOpenGroupCommand(client, request, create: false, setId: false, out _, out _)
            || !TryFindGroup(client, request[2], request[3], out var groups, out var group))
        {
            return;
        }

        group.GetOrAddConsumer(request[4], client.Keys.NowMs, out var created);
        if (created)
        {
            SaveGroups(client, request[2], groups);
            Notify(client, "xgroup-createconsumer"u8, request[2]);
        }

        client.Reply.Integer(created ? 1 : 0);
    }

    private static void XGroupDelConsumer(ClientSession client, in RespRequest request)
    {
        if (!TryOpenGroupCommand(client, request, create: false, setId: false, out _, out _)
            || !TryFindGroup(client, request[2], request[3], out var groups, out var group))
        {
            return;
        }

        long pending = 0;
        if (group.FindConsumer(request[4]) is { } consumer)
        {
            pending = group.RemoveConsumer(consumer);
            SaveGroups(client, request[2], groups);
            Notify(client, "xgroup-delconsumer"u8, request[2]);
        }

        client.Reply.Integer(pending);
    }

    private static void XAck(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        ref var entry = ref FindForRead(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        var groups = Unsafe.IsNullRef(ref entry) ? null : StreamGroups.Decode(client.Keys.Streams.Get(entry).Groups);
        if (groups?.Find(request[2]) is not { } group)
        {
            client.Reply.Integer(0);
            return;
        }

        for (var i = 3; i < request.Count; i++)
        {
            if (!StreamArgs.TryParseOrReply(client, request[i], 0, strict: true, out _))
            {
                return;
            }
        }

        var acknowledged = 0;
        for (var i = 3; i < request.Count; i++)
        {
            StreamArgs.TryParse(request[i], 0, strict: true, autoSequence: false, out var id, out _);
            if (group.RemovePending(id))
            {
                acknowledged++;
            }
        }

        if (acknowledged > 0)
        {
            SaveGroups(client, key, groups);
        }

        client.Reply.Integer(acknowledged);
    }
}
