using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>XINFO STREAM (and FULL), GROUPS, CONSUMERS.</summary>
internal static partial class StreamCommands
{
    private static readonly string[] InfoHelp =
    [
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
    ];

    private static void RegisterInfo(CommandTable table)
    {
        static CommandDefinition Sub(string name, int arity, CommandHandler handler, string summary, string[]? tips = null) =>
            new(name, arity, CommandFlags.ReadOnly, handler, Group, summary)
            {
                Keys = new([KeySpec.At(2, KeySpecFlags.RO | KeySpecFlags.Access)]),
                Acl = Category,
                Tips = tips ?? [],
            };

        table.Add(new CommandDefinition("xinfo", -2, CommandFlags.None, null, Group, "A container for stream introspection commands.")
            .AddSubCommand(Sub("stream", -3, XInfoStream, "Returns information about a stream."))
            .AddSubCommand(Sub("groups", 3, XInfoGroups, "Returns a list of the consumer groups of a stream."))
            .AddSubCommand(Sub("consumers", 4, XInfoConsumers, "Returns a list of the consumers in a consumer group.", ["nondeterministic_output"]))
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, (c, in r) => HelpReply.Write(c, "XINFO", InfoHelp), Group, "Returns helpful text about the different subcommands.")
            {
                Acl = Category,
            }));
    }

    /// <summary>The stream XINFO names, or null after replying "no such key" or WRONGTYPE.</summary>
    private static StreamValue? InfoStream(ClientSession client, ReadOnlySpan<byte> key)
    {
        ref var entry = ref FindForRead(client, key, out var wrongType);
        if (wrongType)
        {
            return null;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Error(Errors.NoSuchKey);
            return null;
        }

        return client.Keys.Streams.Get(entry);
    }

    private static void XInfoStream(ClientSession client, in RespRequest request)
    {
        var full = request.Count > 3;
        long count = 10;
        if (full)
        {
            if ((request.Count != 4 && request.Count != 6) || !Args.Is(request[3], "FULL"u8) || (request.Count == 6 && !Args.Is(request[4], "COUNT"u8)))
            {
                client.Reply.Error(StreamErrors.Subcommand(request[1], "XINFO"));
                return;
            }
        }

        if (InfoStream(client, request[2]) is not { } stream)
        {
            return;
        }

        if (request.Count == 6)
        {
            if (!RespNumbers.TryParseInt64(request[5], out count))
            {
                client.Reply.Error(Errors.NotInteger);
                return;
            }

            count = count < 0 ? 10 : count;
        }

        var groups = StreamGroups.Decode(stream.Groups);
        client.Reply.MapHeader(full ? 9 : 10);
        client.Reply.Bulk("length"u8);
        client.Reply.Integer(stream.Length);
        client.Reply.Bulk("radix-tree-keys"u8);
        client.Reply.Integer(stream.BlockCount);
        client.Reply.Bulk("radix-tree-nodes"u8);
        client.Reply.Integer(stream.BlockCount + 1);
        client.Reply.Bulk("last-generated-id"u8);
        StreamArgs.ReplyId(client, stream.LastId);
        client.Reply.Bulk("max-deleted-entry-id"u8);
        StreamArgs.ReplyId(client, stream.MaxDeletedId);
        client.Reply.Bulk("entries-added"u8);
        client.Reply.Integer(stream.EntriesAdded);
        client.Reply.Bulk("recorded-first-entry-id"u8);
        StreamArgs.ReplyId(client, stream.FirstId);
        if (!full)
        {
            client.Reply.Bulk("groups"u8);
            client.Reply.Integer(groups.All.Count);
            client.Reply.Bulk("first-entry"u8);
            ReplyEdge(client, stream, last: false);
            client.Reply.Bulk("last-entry"u8);
            ReplyEdge(client, stream, last: true);
            return;
        }

        client.Reply.Bulk("entries"u8);
        ReplyRange(client, stream, StreamId.Zero, StreamId.Max, count, reverse: false);
        client.Reply.Bulk("groups"u8);
        client.Reply.ArrayHeader(groups.All.Count);
        foreach (var group in groups.All)
        {
            ReplyFullGroup(client, stream, group, count);
        }
    }

    private static void ReplyEdge(ClientSession client, StreamValue stream, bool last)
    {
        var found = last ? stream.SeekBackward(StreamId.Max, out var position) : stream.SeekForward(StreamId.Zero, out position);
        if (found)
        {
            ReplyEntry(client, stream.Read(position));
        }
        else
        {
            client.Reply.Null();
        }
    }

    private static void ReplyFullGroup(ClientSession client, StreamValue stream, StreamGroup group, long count)
    {
        client.Reply.MapHeader(7);
        client.Reply.Bulk("name"u8);
        client.Reply.Bulk(group.Name);
        client.Reply.Bulk("last-delivered-id"u8);
        StreamArgs.ReplyId(client, group.LastId);
        ReplyEntriesReadAndLag(client, stream, group);
        client.Reply.Bulk("pel-count"u8);
        client.Reply.Integer(group.Pending.Count);
        client.Reply.Bulk("pending"u8);
        var shown = count == 0 ? group.Pending.Count : (int)Math.Min(count, group.Pending.Count);
        client.Reply.ArrayHeader(shown);
        for (var i = 0; i < shown; i++)
        {
            var pending = group.Pending[i];
            client.Reply.ArrayHeader(4);
            StreamArgs.ReplyId(client, pending.Id);
            client.Reply.Bulk(pending.Consumer.Name);
            client.Reply.Integer(pending.DeliveryTime);
            client.Reply.Integer(pending.DeliveryCount);
        }

        client.Reply.Bulk("consumers"u8);
        client.Reply.ArrayHeader(group.Consumers.Count);
        foreach (var consumer in group.Consumers)
        {
            var own = group.Pending.FindAll(p => p.Consumer == consumer);
            client.Reply.MapHeader(4);
            client.Reply.Bulk("name"u8);
            client.Reply.Bulk(consumer.Name);
            client.Reply.Bulk("seen-time"u8);
            client.Reply.Integer(consumer.SeenTime);
            client.Reply.Bulk("pel-count"u8);
            client.Reply.Integer(own.Count);
            client.Reply.Bulk("pending"u8);
            var listed = count == 0 ? own.Count : (int)Math.Min(count, own.Count);
            client.Reply.ArrayHeader(listed);
            for (var i = 0; i < listed; i++)
            {
                client.Reply.ArrayHeader(3);
                StreamArgs.ReplyId(client, own[i].Id);
                client.Reply.Integer(own[i].DeliveryTime);
                client.Reply.Integer(own[i].DeliveryCount);
            }
        }
    }

    private static void ReplyEntriesReadAndLag(ClientSession client, StreamValue stream, StreamGroup group)
    {
        client.Reply.Bulk("entries-read"u8);
        if (group.EntriesRead != StreamGroup.InvalidEntriesRead)
        {
            client.Reply.Integer(group.EntriesRead);
        }
        else
        {
            client.Reply.Null();
        }

        client.Reply.Bulk("lag"u8);
        if (Lag(stream, group) is { } lag)
        {
            client.Reply.Integer(lag);
        }
        else
        {
            client.Reply.Null();
        }
    }

    private static void XInfoGroups(ClientSession client, in RespRequest request)
    {
        if (InfoStream(client, request[2]) is not { } stream)
        {
            return;
        }

        var groups = StreamGroups.Decode(stream.Groups);
        client.Reply.ArrayHeader(groups.All.Count);
        foreach (var group in groups.All)
        {
            client.Reply.MapHeader(6);
            client.Reply.Bulk("name"u8);
            client.Reply.Bulk(group.Name);
            client.Reply.Bulk("consumers"u8);
            client.Reply.Integer(group.Consumers.Count);
            client.Reply.Bulk("pending"u8);
            client.Reply.Integer(group.Pending.Count);
            client.Reply.Bulk("last-delivered-id"u8);
            StreamArgs.ReplyId(client, group.LastId);
            ReplyEntriesReadAndLag(client, stream, group);
        }
    }

    private static void XInfoConsumers(ClientSession client, in RespRequest request)
    {
        if (InfoStream(client, request[2]) is not { } stream)
        {
            return;
        }

        if (StreamGroups.Decode(stream.Groups).Find(request[3]) is not { } group)
        {
            client.Reply.Error(StreamErrors.NoSuchGroup(request[3], request[2]));
            return;
        }

        var now = client.Keys.NowMs;
        client.Reply.ArrayHeader(group.Consumers.Count);
        foreach (var consumer in group.Consumers)
        {
            client.Reply.MapHeader(3);
            client.Reply.Bulk("name"u8);
            client.Reply.Bulk(consumer.Name);
            client.Reply.Bulk("pending"u8);
            client.Reply.Integer(group.PendingOf(consumer));
            client.Reply.Bulk("idle"u8);
            client.Reply.Integer(Math.Max(0, now - consumer.SeenTime));
        }
    }
}
