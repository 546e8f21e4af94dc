using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The stream family (XADD and the rest of Redis 7.0's t_stream.c) over the stream module
/// (<see cref="StreamStore"/>). Unlike the other collections an empty stream stays a key. Each
/// command that changes a stream calls <see cref="StreamStore.Written"/> once, so replication
/// and WATCH see it, and <see cref="Notify"/> with Redis' event name.
/// </summary>
internal static partial class StreamCommands
{
    internal const string Group = "stream";
    internal const AclCategories Category = AclCategories.Stream;

    public static void Register(CommandTable table)
    {
        table.Add(new("xadd", -5, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, XAdd, Group, "Appends a new message to a stream. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("xlen", 2, CommandFlags.ReadOnly | CommandFlags.Fast, XLen, Group, "Return the number of messages in a stream.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("xrange", -4, CommandFlags.ReadOnly, XRange, Group, "Returns the messages from a stream within a range of IDs.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("xrevrange", -4, CommandFlags.ReadOnly, XRevRange, Group, "Returns the messages from a stream within a range of IDs in reverse order.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("xdel", -3, CommandFlags.Write | CommandFlags.Fast, XDel, Group, "Returns the number of messages after removing them from a stream.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("xtrim", -4, CommandFlags.Write, XTrim, Group, "Deletes messages from the beginning of a stream.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("xread", -4, CommandFlags.ReadOnly | CommandFlags.Blocking, XRead, Group, "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.")
        {
            Keys = CommandKeys.Of(new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AfterKeyword("STREAMS", 1), KeyFindKeys.Range(-1, 1, 2))),
            Acl = Category,
        });
        table.Add(new("xreadgroup", -7, CommandFlags.Write | CommandFlags.Blocking, XReadGroup, Group, "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.")
        {
            Keys = CommandKeys.Of(new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AfterKeyword("STREAMS", 4), KeyFindKeys.Range(-1, 1, 2))),
            Acl = Category,
        });
        table.Add(new("xack", -4, CommandFlags.Write | CommandFlags.Fast, XAck, Group, "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("xpending", -3, CommandFlags.ReadOnly, XPending, Group, "Returns the information and entries from a stream consumer group's pending entries list.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("xclaim", -6, CommandFlags.Write | CommandFlags.Fast, XClaim, Group, "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("xautoclaim", -6, CommandFlags.Write | CommandFlags.Fast, XAutoClaim, Group, "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("xsetid", -3, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, XSetId, Group, "An internal command for replicating stream values.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        RegisterGroup(table);
        RegisterInfo(table);
    }

    /// <summary>
    /// Where a stream command raises its keyspace event (Redis' notifyKeyspaceEvent with
    /// NOTIFY_STREAM): "xadd", "xtrim", "xdel", "xsetid", "xgroup-create", "xgroup-createconsumer",
    /// "xgroup-setid", "xgroup-destroy", "xgroup-delconsumer".
    /// </summary>
    internal static void Notify(ClientSession client, ReadOnlySpan<byte> streamEvent, ReadOnlySpan<byte> key) =>
        client.Notify(KeyspaceEvents.Stream, streamEvent, key);

    /// <summary>The group's consumer of that name; one created on the way (XREADGROUP, XCLAIM) raises xgroup-createconsumer, as in Redis.</summary>
    internal static StreamConsumer ConsumerOf(ClientSession client, StreamGroup group, ReadOnlySpan<byte> key, ReadOnlySpan<byte> name, long now) =>
        ConsumerOf(client, group, key, name, now, out _);

    /// <summary>As the other overload; <paramref name="created"/> says whether the consumer is new.</summary>
    internal static StreamConsumer ConsumerOf(ClientSession client, StreamGroup group, ReadOnlySpan<byte> key, ReadOnlySpan<byte> name, long now, out bool created)
    {
        var consumer = group.GetOrAddConsumer(name, now, out created);
        if (created)
        {
            Notify(client, "xgroup-createconsumer"u8, key);
        }

        return consumer;
    }

    /// <summary>The live stream at <paramref name="key"/> for a write, or a null reference when missing or not a stream (then <paramref name="wrongType"/> says WRONGTYPE was replied).</summary>
    internal static ref StoreEntry FindForWrite(ClientSession client, ReadOnlySpan<byte> key, out bool wrongType) =>
        ref TypedLookup.Find(client, key, ValueKind.Stream, forRead: false, out wrongType);

    /// <summary>As <see cref="FindForWrite"/> for a read: the hit or miss is counted.</summary>
    internal static ref StoreEntry FindForRead(ClientSession client, ReadOnlySpan<byte> key, out bool wrongType) =>
        ref TypedLookup.Find(client, key, ValueKind.Stream, forRead: true, out wrongType);

    /// <summary>One entry as Redis replies it: [id, [field, value, ...]].</summary>
    internal static void ReplyEntry(ClientSession client, StreamEntry entry)
    {
        client.Reply.ArrayHeader(2);
        StreamArgs.ReplyId(client, entry.Id);
        ReplyPairs(client, entry);
    }

    internal static void ReplyPairs(ClientSession client, StreamEntry entry)
    {
        client.Reply.ArrayHeader(entry.FieldCount * 2);
        var pairs = entry.Pairs;
        var at = 0;
        for (var i = 0; i < entry.FieldCount * 2; i++)
        {
            at = StreamBytes.ReadString(pairs, at, out var text);
            client.Reply.Bulk(text);
        }
    }

    /// <summary>Live entries in [<paramref name="start"/>, <paramref name="end"/>], up to <paramref name="count"/> (0: all).</summary>
    internal static int CountRange(StreamValue stream, StreamId start, StreamId end, long count, bool reverse)
    {
        var n = 0;
        if (start > end)
        {
            return 0;
        }

        if (!reverse)
        {
            if (!stream.SeekForward(start, out var at))
            {
                return 0;
            }

            do
            {
                if (stream.Read(at).Id > end)
                {
                    break;
                }

                n++;
            }
            while ((count == 0 || n < count) && stream.MoveNext(ref at));
            return n;
        }

        if (!stream.SeekBackward(end, out var back))
        {
            return 0;
        }

        do
        {
            if (stream.Read(back).Id < start)
            {
                break;
            }

            n++;
        }
        while ((count == 0 || n < count) && stream.MovePrevious(ref back));
        return n;
    }

    /// <summary>Replies the entries in a range as an array (Redis' streamReplyWithRange without a group).</summary>
    internal static void ReplyRange(ClientSession client, StreamValue stream, StreamId start, StreamId end, long count, bool reverse)
    {
        var n = CountRange(stream, start, end, count, reverse);
        client.Reply.ArrayHeader(n);
        if (n == 0)
        {
            return;
        }

        var position = default(StreamPosition);
        var found = reverse ? stream.SeekBackward(end, out position) : stream.SeekForward(start, out position);
        for (var i = 0; i < n && found; i++)
        {
            ReplyEntry(client, stream.Read(position));
            found = reverse ? stream.MovePrevious(ref position) : stream.MoveNext(ref position);
        }
    }

    /// <summary>The last live entry's id, 0-0 when the stream is empty (Redis' streamLastValidID).</summary>
    internal static StreamId LastValidId(StreamValue stream) =>
        stream.SeekBackward(StreamId.Max, out var last) ? stream.Read(last).Id : StreamId.Zero;
}
