using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>XPENDING XCLAIM XAUTOCLAIM: reading and moving a group's pending entries.</summary>
internal static partial class StreamCommands
{
    /// <summary>The decoded groups of the stream at <paramref name="key"/> and the named group; false after WRONGTYPE or Redis' NOGROUP.</summary>
    private static bool TryFindPendingGroup(ClientSession client, ReadOnlySpan<byte> key, ReadOnlySpan<byte> name, out StreamValue stream, out StreamGroups groups, out StreamGroup group)
    {
        stream = null!;
        groups = null!;
        group = null!;
        ref var entry = ref FindForRead(client, key, out var wrongType);
        if (wrongType)
        {
            return false;
        }

        if (!Unsafe.IsNullRef(ref entry))
        {
            stream = client.Keys.Streams.Get(entry);
            groups = StreamGroups.Decode(stream.Groups);
            group = groups.Find(name)!;
        }

        if (group is null)
        {
            client.Reply.Error(StreamErrors.NoGroup(key, name));
            return false;
        }

        return true;
    }

    private static void XPending(ClientSession client, in RespRequest request)
    {
        var count = request.Count;
        if (count != 3 && count is < 6 or > 9)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        StreamId start = default, end = default;
        long limit = 0, minIdle = 0;
        var consumerAt = 0;
        if (count >= 6)
        {
            var startAt = 3;
            if (Args.Is(request[3], "IDLE"u8))
            {
                if (!RespNumbers.TryParseInt64(request[4], out minIdle))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                if (count < 8)
                {
                    client.Reply.Error(Errors.Syntax);
                    return;
                }

                startAt += 2;
            }

            if (!RespNumbers.TryParseInt64(request[startAt + 2], out limit))
            {
                client.Reply.Error(Errors.NotInteger);
                return;
            }

            limit = Math.Max(0, limit);
            if (!StreamArgs.TryParseStartOrReply(client, request[startAt], out start)
                || !StreamArgs.TryParseEndOrReply(client, request[startAt + 1], out end))
            {
                return;
            }

            consumerAt = startAt + 3 < count ? startAt + 3 : 0;
        }

        if (!TryFindPendingGroup(client, request[1], request[2], out _, out _, out var group))
        {
            return;
        }

        if (count == 3)
        {
            PendingSummary(client, group);
            return;
        }

        StreamConsumer? consumer = null;
        if (consumerAt > 0 && (consumer = group.FindConsumer(request[consumerAt])) is null)
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        var now = client.Keys.NowMs;
        var chosen = new List<StreamPending>();
        for (var i = group.PendingFrom(start); i < group.Pending.Count && chosen.Count < limit; i++)
        {
            var pending = group.Pending[i];
            if (pending.Id > end)
            {
                break;
            }

            if ((consumer is not null && pending.Consumer != consumer) || (minIdle != 0 && now - pending.DeliveryTime < minIdle))
            {
                continue;
            }

            chosen.Add(pending);
        }

        client.Reply.ArrayHeader(chosen.Count);
        foreach (var pending in chosen)
        {
            client.Reply.ArrayHeader(4);
            StreamArgs.ReplyId(client, pending.Id);
            client.Reply.Bulk(pending.Consumer.Name);
            client.Reply.Integer(Math.Max(0, now - pending.DeliveryTime));
            client.Reply.Integer(pending.DeliveryCount);
        }
    }

    private static void PendingSummary(ClientSession client, StreamGroup group)
    {
        client.Reply.ArrayHeader(4);
        client.Reply.Integer(group.Pending.Count);
        if (group.Pending.Count == 0)
        {
            client.Reply.Null();
            client.Reply.Null();
            client.Reply.NullArray();
            return;
        }

        StreamArgs.ReplyId(client, group.Pending[0].Id);
        StreamArgs.ReplyId(client, group.Pending[^1].Id);
        var owners = group.Consumers.FindAll(c => group.PendingOf(c) > 0);
        client.Reply.ArrayHeader(owners.Count);
        foreach (var owner in owners)
        {
            client.Reply.ArrayHeader(2);
            client.Reply.Bulk(owner.Name);
            client.Reply.BulkInteger(group.PendingOf(owner));
        }
    }

    private static void XClaim(ClientSession client, in RespRequest request)
    {
        // Replicas get one XCLAIM per entry it changed (or XGROUP SETID for LASTID alone), never itself.
        client.Feed.Prevent();
        var key = request[1];
        if (!TryFindPendingGroup(client, key, request[2], out var stream, out var groups, out var group))
        {
            return;
        }

        if (!RespNumbers.TryParseInt64(request[4], out var minIdle))
        {
            client.Reply.Error("ERR Invalid min-idle-time argument for XCLAIM"u8);
            return;
        }

        minIdle = Math.Max(0, minIdle);
        var ids = new List<StreamId>();
        var j = 5;
        for (; j < request.Count; j++)
        {
            if (!StreamArgs.TryParse(request[j], 0, strict: true, autoSequence: false, out var id, out _))
            {
                break;
            }

            ids.Add(id);
        }

        var now = client.Keys.NowMs;
        long retryCount = -1, deliveryTime = -1;
        bool force = false, justId = false;
        var lastId = StreamId.Zero;
        for (; j < request.Count; j++)
        {
            var more = request.Count - 1 - j;
            var option = request[j];
            if (Args.Is(option, "FORCE"u8))
            {
                force = true;
            }
            else if (Args.Is(option, "JUSTID"u8))
            {
                justId = true;
            }
            else if (more > 0 && Args.Is(option, "IDLE"u8))
            {
                if (!RespNumbers.TryParseInt64(request[++j], out deliveryTime))
                {
                    client.Reply.Error("ERR Invalid IDLE option argument for XCLAIM"u8);
                    return;
                }

                deliveryTime = now - deliveryTime;
            }
            else if (more > 0 && Args.Is(option, "TIME"u8))
            {
                if (!RespNumbers.TryParseInt64(request[++j], out deliveryTime))
                {
                    client.Reply.Error("ERR Invalid TIME option argument for XCLAIM"u8);
                    return;
                }
            }
            else if (more > 0 && Args.Is(option, "RETRYCOUNT"u8))
            {
                if (!RespNumbers.TryParseInt64(request[++j], out retryCount))
                {
                    client.Reply.Error("ERR Invalid RETRYCOUNT option argument for XCLAIM"u8);
                    return;
                }
            }
            else if (more > 0 && Args.Is(option, "LASTID"u8))
            {
                if (!StreamArgs.TryParseOrReply(client, request[++j], 0, strict: true, out lastId))
                {
                    return;
                }
            }
            else
            {
                client.Reply.Error($"ERR Unrecognized XCLAIM option '{Args.Text(option)}'");
                return;
            }
        }

        var changed = false;
        var propagateLastId = false;
        if (lastId > group.LastId)
        {
            group.LastId = lastId;
            changed = propagateLastId = true;
        }

        deliveryTime = deliveryTime < 0 || deliveryTime > now ? now : deliveryTime;
        StreamConsumer? consumer = null;
        var claimed = new List<StreamId>();
        for (var k = 0; k < ids.Count; k++)
        {
            var id = ids[k];
            var pending = group.FindPending(id);
            if (!stream.Contains(id))
            {
                // An entry deleted since it was delivered leaves the pending list (on replicas too).
                if (pending is not null)
                {
                    PropagateClaim(client, key, request[2], group, request[5 + k], pending);
                    propagateLastId = false;
                    changed |= group.RemovePending(id);
                }

                continue;
            }

            var forced = false;
            if (force && pending is null)
            {
                consumer ??= ConsumerOf(client, group, request[1], request[3], now);
                pending = group.AddPending(id, consumer, now, out _);
                forced = true;
            }

            if (pending is null || (!forced && minIdle != 0 && now - pending.DeliveryTime < minIdle))
            {
                continue;
            }

            consumer ??= ConsumerOf(client, group, request[1], request[3], now);
            consumer.SeenTime = now;
            pending.Consumer = consumer;
            pending.DeliveryTime = deliveryTime;
            if (retryCount >= 0)
            {
                pending.DeliveryCount = retryCount;
            }
            else if (!justId)
            {
                pending.DeliveryCount++;
            }

            claimed.Add(id);
            changed = true;
            PropagateClaim(client, key, request[2], group, request[5 + k], pending);
            propagateLastId = false;
        }

        if (propagateLastId)
        {
            PropagateGroupId(client, key, request[2], group);
        }

        client.Reply.ArrayHeader(claimed.Count);
        foreach (var id in claimed)
        {
            if (justId)
            {
                StreamArgs.ReplyId(client, id);
            }
            else
            {
                stream.SeekForward(id, out var position);
                ReplyEntry(client, stream.Read(position));
            }
        }

        if (changed || consumer is not null)
        {
            SaveGroups(client, key, groups);
        }
    }

    private static void XAutoClaim(ClientSession client, in RespRequest request)
    {
        client.Feed.Prevent();
        if (!RespNumbers.TryParseInt64(request[4], out var minIdle))
        {
            client.Reply.Error("ERR Invalid min-idle-time argument for XAUTOCLAIM"u8);
            return;
        }

        minIdle = Math.Max(0, minIdle);
        if (!StreamArgs.TryParseStartOrReply(client, request[5], out var start))
        {
            return;
        }

        long count = 100;
        var justId = false;
        for (var j = 6; j < request.Count; j++)
        {
            var more = request.Count - 1 - j;
            if (more > 0 && Args.Is(request[j], "COUNT"u8))
            {
                // Redis' cap: LONG_MAX over the larger of an id's size and the attempts factor.
                if (!RespNumbers.TryParseInt64(request[++j], out count) || count < 1 || count > long.MaxValue / 16)
                {
                    client.Reply.Error(StreamErrors.CountPositive);
                    return;
                }
            }
            else if (Args.Is(request[j], "JUSTID"u8))
            {
                justId = true;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        var key = request[1];
        if (!TryFindPendingGroup(client, key, request[2], out var stream, out var groups, out var group))
        {
            return;
        }

        var now = client.Keys.NowMs;
        var attempts = count * 10;
        StreamConsumer? consumer = null;
        var claimed = new List<StreamId>();
        var deleted = new List<StreamId>();
        var at = group.PendingFrom(start);
        for (; attempts-- > 0 && count > 0 && at < group.Pending.Count; at++)
        {
            var pending = group.Pending[at];
            if (!stream.Contains(pending.Id))
            {
                PropagateClaim(client, key, request[2], group, pending.Id, pending);
                deleted.Add(pending.Id);
                group.Pending.RemoveAt(at--);
                count--;
                continue;
            }

            if (minIdle != 0 && now - pending.DeliveryTime < minIdle)
            {
                continue;
            }

            consumer ??= ConsumerOf(client, group, request[1], request[3], now);
            consumer.SeenTime = now;
            pending.Consumer = consumer;
            pending.DeliveryTime = now;
            if (!justId)
            {
                pending.DeliveryCount++;
            }

            claimed.Add(pending.Id);
            count--;
            PropagateClaim(client, key, request[2], group, pending.Id, pending);
        }

        client.Reply.ArrayHeader(3);
        StreamArgs.ReplyId(client, at < group.Pending.Count ? group.Pending[at].Id : StreamId.Zero);
        client.Reply.ArrayHeader(claimed.Count);
        foreach (var id in claimed)
        {
            if (justId)
            {
                StreamArgs.ReplyId(client, id);
            }
            else
            {
                stream.SeekForward(id, out var position);
                ReplyEntry(client, stream.Read(position));
            }
        }

        client.Reply.ArrayHeader(deleted.Count);
        foreach (var id in deleted)
        {
            StreamArgs.ReplyId(client, id);
        }

        if (claimed.Count > 0 || deleted.Count > 0)
        {
            SaveGroups(client, key, groups);
        }
    }
}
