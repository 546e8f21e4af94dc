using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>XADD XLEN XDEL XTRIM XSETID.</summary>
internal static partial class StreamCommands
{
    // Redis' STREAM_LISTPACK_MAX_SIZE: the most bytes of fields and values one entry may have.
    private const long MaxEntryBytes = 1L << 30;

    private static void XAdd(ClientSession client, in RespRequest request)
    {
        var idAt = StreamTrimOptions.Parse(client, request, add: true, out var options);
        if (idAt < 0)
        {
            return;
        }

        var fieldsAt = idAt + 1;
        var pairs = request.Count - fieldsAt;
        if (pairs < 2 || pairs % 2 == 1)
        {
            client.Reply.Error("ERR wrong number of arguments for 'xadd' command"u8);
            return;
        }

        if (options.IdGiven && options.SequenceGiven && options.Id.IsZero)
        {
            client.Reply.Error(StreamErrors.IdZero);
            return;
        }

        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        var streams = client.Keys.Streams;
        StreamValue stream;
        if (Unsafe.IsNullRef(ref entry))
        {
            if (options.NoMakeStream)
            {
                client.Reply.Null();
                return;
            }

            entry = ref client.Keys.GetOrAdd(key, out _);
            stream = streams.Create(ref entry);
        }
        else
        {
            stream = streams.Get(entry);
        }

        if (stream.LastId == StreamId.Max)
        {
            client.Reply.Error(StreamErrors.Exhausted);
            return;
        }

        if (!TryNextId(client, stream, options, out var id))
        {
            return;
        }

        long size = 0;
        for (var i = fieldsAt; i < request.Count; i++)
        {
            size += request[i].Length;
        }

        if (size > MaxEntryBytes)
        {
            client.Reply.Error(StreamErrors.TooLarge);
            return;
        }

        var packed = 0;
        for (var i = fieldsAt; i < request.Count; i++)
        {
            packed += StreamBytes.StringSize(request[i].Length);
        }

        var limits = client.Keys.Limits;
        var destination = stream.Append(id, pairs / 2, packed, limits.StreamNodeMaxEntries, limits.StreamNodeMaxBytes);
        var at = 0;
        for (var i = fieldsAt; i < request.Count; i++)
        {
            at += StreamBytes.WriteString(destination[at..], request[i]);
        }

        StreamArgs.ReplyId(client, id);
        Notify(client, "xadd"u8, key);
        if (options.Apply(stream) > 0)
        {
            Notify(client, "xtrim"u8, key);
        }

        PropagateAddOrTrim(client, request, idAt, id, options, stream);
        streams.Written(ref entry);
    }

    /// <summary>The id XADD gives (Redis' streamAppendItem); false after replying when it is not above the last one.</summary>
    private static bool TryNextId(ClientSession client, StreamValue stream, in StreamTrimOptions options, out StreamId id)
    {
        var last = stream.LastId;
        if (!options.IdGiven)
        {
            var now = (ulong)Math.Max(0, client.Keys.NowMs);
            if (now > last.Ms)
            {
                id = new StreamId(now, 0);
            }
            else if (!last.TryIncrement(out id))
            {
                client.Reply.Error(StreamErrors.IdTooSmall);
                return false;
            }
        }
        else if (options.SequenceGiven)
        {
            id = options.Id;
        }
        else if (options.Id.Ms == last.Ms)
        {
            if (last.Seq == ulong.MaxValue)
            {
                id = default;
                client.Reply.Error(StreamErrors.IdTooSmall);
                return false;
            }

            id = new StreamId(last.Ms, last.Seq + 1);
        }
        else
        {
            id = options.Id;
        }

        if (id <= last)
        {
            client.Reply.Error(StreamErrors.IdTooSmall);
            return false;
        }

        return true;
    }

    private static void XLen(ClientSession client, in RespRequest request)
    {
        ref var entry = ref FindForRead(client, request[1], out var wrongType);
        if (!wrongType)
        {
            client.Reply.Integer(Unsafe.IsNullRef(ref entry) ? 0 : client.Keys.Streams.Get(entry).Length);
        }
    }

    private static void XDel(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Integer(0);
            return;
        }

        // Every id is checked before any is deleted, as Redis does.
        for (var i = 2; i < request.Count; i++)
        {
            if (!StreamArgs.TryParseOrReply(client, request[i], 0, strict: true, out _))
            {
                return;
            }
        }

        var stream = client.Keys.Streams.Get(entry);
        var deleted = 0;
        for (var i = 2; i < request.Count; i++)
        {
            StreamArgs.TryParse(request[i], 0, strict: true, autoSequence: false, out var id, out _);
            if (stream.Delete(id))
            {
                if (id > stream.MaxDeletedId)
                {
                    stream.MaxDeletedId = id;
                }

                deleted++;
            }
        }

        if (deleted > 0)
        {
            Notify(client, "xdel"u8, key);
            client.Keys.Streams.Written(ref entry);
        }

        client.Reply.Integer(deleted);
    }

    private static void XTrim(ClientSession client, in RespRequest request)
    {
        if (StreamTrimOptions.Parse(client, request, add: false, out var options) < 0)
        {
            return;
        }

        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Integer(0);
            return;
        }

        var stream = client.Keys.Streams.Get(entry);
        var deleted = options.Apply(stream);
        if (deleted > 0)
        {
            Notify(client, "xtrim"u8, key);
            PropagateAddOrTrim(client, request, -1, default, options, stream);
            client.Keys.Streams.Written(ref entry);
        }

        client.Reply.Integer(deleted);
    }

    private static void XSetId(ClientSession client, in RespRequest request)
    {
        if (!StreamArgs.TryParseOrReply(client, request[2], 0, strict: true, out var id))
        {
            return;
        }

        long entriesAdded = -1;
        var maxDeleted = StreamId.Zero;
        for (var i = 3; i < request.Count; i++)
        {
            var more = request.Count - 1 - i;
            if (more > 0 && Args.Is(request[i], "ENTRIESADDED"u8))
            {
                if (!RespNumbers.TryParseInt64(request[i + 1], out entriesAdded))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                if (entriesAdded < 0)
                {
                    client.Reply.Error(StreamErrors.EntriesAddedNegative);
                    return;
                }

                i++;
            }
            else if (more > 0 && Args.Is(request[i], "MAXDELETEDID"u8))
            {
                if (!StreamArgs.TryParseOrReply(client, request[i + 1], 0, strict: true, out maxDeleted))
                {
                    return;
                }

                if (id < maxDeleted)
                {
                    client.Reply.Error(StreamErrors.SetIdBelowMaxDeleted);
                    return;
                }

                i++;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        var key = request[1];
        ref var entry = ref client.Keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Error(Errors.NoSuchKey);
            return;
        }

        if (entry.Kind != ValueKind.Stream)
        {
            client.Reply.Error(Errors.WrongType);
            return;
        }

        var stream = client.Keys.Streams.Get(entry);
        if (stream.Length > 0)
        {
            if (id < LastValidId(stream))
            {
                client.Reply.Error(StreamErrors.SetIdBelowTop);
                return;
            }

            if (entriesAdded != -1 && stream.Length > entriesAdded)
            {
                client.Reply.Error(StreamErrors.SetIdEntriesAdded);
                return;
            }
        }

        stream.LastId = id;
        if (entriesAdded != -1)
        {
            stream.EntriesAdded = entriesAdded;
        }

        if (!maxDeleted.IsZero)
        {
            stream.MaxDeletedId = maxDeleted;
        }

        Notify(client, "xsetid"u8, key);
        client.Keys.Streams.Written(ref entry);
        client.Reply.Ok();
    }
}
