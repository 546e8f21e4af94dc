using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>XREADGROUP: new entries for a group's consumer ("&gt;") or the consumer's own history, and the group counters Redis keeps with them.</summary>
internal static partial class StreamCommands
{
    private static void XReadGroup(ClientSession client, in RespRequest request)
    {
        // What it changes goes to replicas as XCLAIM / XGROUP commands, never as itself.
        client.Feed.Prevent();
        if (!StreamReadOptions.TryParse(client, request, readGroup: true, out var options))
        {
            return;
        }

        if (options.Blocks && client.InScript)
        {
            // As Redis 7.0: BLOCK makes no sense inside a script, which never waits.
            client.Reply.Error($"ERR {Args.Text(request[0])} command is not allowed with BLOCK option from scripts");
            return;
        }

        var groupName = request[options.GroupAt];
        var ids = new StreamId[options.StreamCount];
        for (var i = 0; i < options.StreamCount; i++)
        {
            var key = request[options.StreamsAt + i];
            var arg = request[options.StreamsAt + options.StreamCount + i];
            ref var entry = ref FindForRead(client, key, out var wrongType);
            if (wrongType)
            {
                return;
            }

            if (Unsafe.IsNullRef(ref entry) || StreamGroups.Decode(client.Keys.Streams.Get(entry).Groups).Find(groupName) is null)
            {
                client.Reply.Error(StreamErrors.NoGroupForRead(key, groupName));
                return;
            }

            if (arg is [(byte)'$'])
            {
                client.Reply.Error(StreamErrors.DollarInGroup);
                return;
            }

            if (arg is [(byte)'>'])
            {
                ids[i] = StreamId.Max;
                continue;
            }

            if (!StreamArgs.TryParseOrReply(client, arg, 0, strict: true, out ids[i]))
            {
                return;
            }
        }

        // Which streams are served now: history always, new entries when the stream has some past the group's last id.
        var serve = new bool[options.StreamCount];
        var served = 0;
        for (var i = 0; i < options.StreamCount; i++)
        {
            var stream = client.Keys.Streams.Get(client.Keys.Lookup(request[options.StreamsAt + i]));
            if (ids[i] != StreamId.Max)
            {
                serve[i] = true;
            }
            else if (stream.Length > 0)
            {
                var group = StreamGroups.Decode(stream.Groups).Find(groupName)!;
                serve[i] = LastValidId(stream) > group.LastId;
            }

            served += serve[i] ? 1 : 0;
        }

        if (served > 0)
        {
            ReadHeader(client, served);
            for (var i = 0; i < options.StreamCount; i++)
            {
                if (serve[i])
                {
                    ServeGroupStream(client, request[options.StreamsAt + i], groupName, request[options.GroupAt + 1], ids[i], options.Count, options.NoAck);
                }
            }

            return;
        }

        if (!options.Blocks || !client.MayBlock)
        {
            client.Reply.NullArray();
            return;
        }

        client.StreamWaitIds = ids;
        client.Block(request, options.StreamsAt, options.StreamCount, options.DeadlineMs, ServeReadGroup);
    }

    /// <summary>Serves a blocked XREADGROUP: the group's new entries once the stream has some past its last id.</summary>
    private static bool ServeReadGroup(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key)
    {
        ref var entry = ref client.Keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry) || entry.Kind != ValueKind.Stream)
        {
            // Redis 7.0 unblocks a group reader whose stream was deleted or replaced.
            client.Reply.Error(StreamErrors.KeyGone);
            return true;
        }

        StreamReadOptions.TryParse(client, request, readGroup: true, out var options);
        var groupName = request[options.GroupAt];
        var stream = client.Keys.Streams.Get(entry);
        if (StreamGroups.Decode(stream.Groups).Find(groupName) is not { } group)
        {
            client.Reply.Error(StreamErrors.GroupGone);
            return true;
        }

        if (stream.LastId <= group.LastId)
        {
            return false;
        }

        ReadHeader(client, 1);
        ServeGroupStream(client, key, groupName, request[options.GroupAt + 1], StreamId.Max, options.Count > 0 ? options.Count : BlockedDefaultCount, options.NoAck);
        return true;
    }

    /// <summary>
    /// One stream of an XREADGROUP reply: [key, entries], the entries past the group's last id for
    /// "&gt;" (<paramref name="from"/> the maximum id), else the consumer's pending ones after
    /// <paramref name="from"/>. Creates the consumer, moves the group on, records pending entries.
    /// </summary>
    private static void ServeGroupStream(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> groupName, ReadOnlySpan<byte> consumerName, StreamId from, long count, bool noAck)
    {
        var stream = client.Keys.Streams.Get(client.Keys.Lookup(key));
        var groups = StreamGroups.Decode(stream.Groups);
        var group = groups.Find(groupName)!;
        var now = client.Keys.NowMs;
        var consumer = ConsumerOf(client, group, key, consumerName, now, out var created);
        if (created && noAck)
        {
            // No XCLAIM will name it, so a replica learns of it this way (Redis issue 7140).
            PropagateConsumerCreation(client, key, groupName, consumerName);
        }

        consumer.SeenTime = now;
        if (!client.Reply.IsResp3)
        {
            client.Reply.ArrayHeader(2);
        }

        client.Reply.Bulk(key);
        if (from == StreamId.Max)
        {
            ServeNew(client, key, groupName, stream, group, consumer, count, noAck, now);
        }
        else
        {
            // The history starts after the id given, as new entries do after the group's.
            from.TryIncrement(out var start);
            ServeHistory(client, stream, group, consumer, start, count, now);
        }

        SaveGroups(client, key, groups);
    }

    private static void ServeNew(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> groupName, StreamValue stream, StreamGroup group, StreamConsumer consumer, long count, bool noAck, long now)
    {
        var moved = false;
        if (!group.LastId.TryIncrement(out var start))
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        var n = CountRange(stream, start, StreamId.Max, count, reverse: false);
        client.Reply.ArrayHeader(n);
        if (n == 0 || !stream.SeekForward(start, out var position))
        {
            return;
        }

        for (var i = 0; i < n; i++)
        {
            var item = stream.Read(position);
            var id = item.Id;
            if (id > group.LastId)
            {
                if (group.EntriesRead != StreamGroup.InvalidEntriesRead && !HasTombstones(stream, id, StreamId.Max))
                {
                    group.EntriesRead++;
                }
                else if (stream.EntriesAdded > 0)
                {
                    group.EntriesRead = EstimateEntriesRead(stream, id);
                }

                group.LastId = id;
                moved = true;
            }

            ReplyEntry(client, item);
            if (!noAck)
            {
                var pending = group.AddPending(id, consumer, now, out var added);
                if (!added)
                {
                    // Already pending (the group's id was set back): it now belongs to this consumer, delivered once.
                    pending.Consumer = consumer;
                    pending.DeliveryTime = now;
                    pending.DeliveryCount = 1;
                }

                PropagateClaim(client, key, groupName, group, id, pending);
            }

            if (i + 1 < n)
            {
                stream.MoveNext(ref position);
            }
        }

        // Without pending entries no XCLAIM carried the group's new position.
        if (noAck && moved)
        {
            PropagateGroupId(client, key, groupName, group);
        }
    }

    /// <summary>The consumer's pending entries from <paramref name="from"/> on; an entry deleted since is [id, nil].</summary>
    private static void ServeHistory(ClientSession client, StreamValue stream, StreamGroup group, StreamConsumer consumer, StreamId from, long count, long now)
    {
        var chosen = new List<StreamPending>();
        for (var i = group.PendingFrom(from); i < group.Pending.Count && (count == 0 || chosen.Count < count); i++)
        {
            if (group.Pending[i].Consumer == consumer)
            {
                chosen.Add(group.Pending[i]);
            }
        }

        client.Reply.ArrayHeader(chosen.Count);
        foreach (var pending in chosen)
        {
            if (stream.SeekForward(pending.Id, out var position) && stream.Read(position).Id == pending.Id)
            {
                ReplyEntry(client, stream.Read(position));
                pending.DeliveryTime = now;
                pending.DeliveryCount++;
            }
            else
            {
                client.Reply.ArrayHeader(2);
                StreamArgs.ReplyId(client, pending.Id);
                client.Reply.NullArray();
            }
        }
    }

    /// <summary>Whether a deleted entry may lie in [<paramref name="start"/>, <paramref name="end"/>] (Redis' streamRangeHasTombstones).</summary>
    internal static bool HasTombstones(StreamValue stream, StreamId start, StreamId end)
    {
        if (stream.Length == 0 || stream.MaxDeletedId.IsZero || stream.FirstId > stream.MaxDeletedId)
        {
            return false;
        }

        return start <= stream.MaxDeletedId && stream.MaxDeletedId <= end;
    }

    /// <summary>The read counter of <paramref name="id"/> when it can be known, else -1 (Redis' streamEstimateDistanceFromFirstEverEntry).</summary>
    internal static long EstimateEntriesRead(StreamValue stream, StreamId id)
    {
        if (stream.EntriesAdded == 0)
        {
            return 0;
        }

        if (stream.Length == 0 && id <= stream.LastId)
        {
            return stream.EntriesAdded;
        }

        var toLast = id.CompareTo(stream.LastId);
        if (toLast == 0)
        {
            return stream.EntriesAdded;
        }

        if (toLast > 0)
        {
            return StreamGroup.InvalidEntriesRead;
        }

        if (stream.MaxDeletedId.IsZero || stream.MaxDeletedId < stream.FirstId)
        {
            var toFirst = id.CompareTo(stream.FirstId);
            if (toFirst < 0)
            {
                return stream.EntriesAdded - stream.Length;
            }

            if (toFirst == 0)
            {
                return stream.EntriesAdded - stream.Length + 1;
            }
        }

        return StreamGroup.InvalidEntriesRead;
    }

    /// <summary>A group's lag, or null when it cannot be known (Redis' streamReplyWithCGLag).</summary>
    internal static long? Lag(StreamValue stream, StreamGroup group)
    {
        if (stream.EntriesAdded == 0)
        {
            return 0;
        }

        if (group.EntriesRead != StreamGroup.InvalidEntriesRead && !HasTombstones(stream, group.LastId, StreamId.Max))
        {
            return stream.EntriesAdded - group.EntriesRead;
        }

        var read = EstimateEntriesRead(stream, group.LastId);
        return read != StreamGroup.InvalidEntriesRead ? stream.EntriesAdded - read : null;
    }
}
