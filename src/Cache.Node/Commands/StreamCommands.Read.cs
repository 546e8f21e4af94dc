using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>XRANGE XREVRANGE XREAD, and XREAD's wait for new entries.</summary>
internal static partial class StreamCommands
{
    // Redis' XREAD_BLOCKED_DEFAULT_COUNT: a blocked read without COUNT is served at most this many.
    private const long BlockedDefaultCount = 1000;

    private static void XRange(ClientSession client, in RespRequest request) => Range(client, request, reverse: false);

    private static void XRevRange(ClientSession client, in RespRequest request) => Range(client, request, reverse: true);

    private static void Range(ClientSession client, in RespRequest request, bool reverse)
    {
        if (!StreamArgs.TryParseStartOrReply(client, reverse ? request[3] : request[2], out var start)
            || !StreamArgs.TryParseEndOrReply(client, reverse ? request[2] : request[3], out var end))
        {
            return;
        }

        long count = -1;
        for (var j = 4; j < request.Count; j++)
        {
            if (Args.Is(request[j], "COUNT"u8) && j + 1 < request.Count)
            {
                if (!RespNumbers.TryParseInt64(request[++j], out count))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return;
                }

                count = Math.Max(0, count);
                continue;
            }

            client.Reply.Error(Errors.Syntax);
            return;
        }

        ref var entry = ref FindForRead(client, request[1], out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        if (count == 0)
        {
            client.Reply.NullArray();
            return;
        }

        ReplyRange(client, client.Keys.Streams.Get(entry), start, end, Math.Max(0, count), reverse);
    }

    private static void XRead(ClientSession client, in RespRequest request)
    {
        if (!StreamReadOptions.TryParse(client, request, readGroup: false, out var options))
        {
            return;
        }

        if (options.Blocks && client.InScript)
        {
            // As Redis 7.0: BLOCK makes no sense inside a script, which never waits.
            client.Reply.Error($"ERR {Args.Text(request[0])} command is not allowed with BLOCK option from scripts");
            return;
        }

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

            if (arg.Length == 1 && arg[0] == '$')
            {
                ids[i] = Unsafe.IsNullRef(ref entry) ? StreamId.Zero : client.Keys.Streams.Get(entry).LastId;
                continue;
            }

            if (arg.Length == 1 && arg[0] == '>')
            {
                client.Reply.Error(StreamErrors.GreaterOutsideGroup);
                return;
            }

            if (!StreamArgs.TryParseOrReply(client, arg, 0, strict: true, out ids[i]))
            {
                return;
            }
        }

        var served = 0;
        for (var i = 0; i < options.StreamCount; i++)
        {
            if (HasAfter(client, request[options.StreamsAt + i], ids[i]))
            {
                served++;
            }
        }

        if (served > 0)
        {
            ReadHeader(client, served);
            for (var i = 0; i < options.StreamCount; i++)
            {
                var key = request[options.StreamsAt + i];
                if (HasAfter(client, key, ids[i]))
                {
                    ReplyReadStream(client, key, ids[i], options.Count);
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
        client.Block(request, options.StreamsAt, options.StreamCount, options.DeadlineMs, ServeRead);
    }

    /// <summary>The outer reply of a read: an array of [key, entries] pairs, a map in RESP3.</summary>
    private static void ReadHeader(ClientSession client, int streams)
    {
        if (client.Reply.IsResp3)
        {
            client.Reply.MapHeader(streams);
        }
        else
        {
            client.Reply.ArrayHeader(streams);
        }
    }

    /// <summary>One stream of a read: its key and its entries above <paramref name="after"/>.</summary>
    private static void ReplyReadStream(ClientSession client, ReadOnlySpan<byte> key, StreamId after, long count)
    {
        if (!client.Reply.IsResp3)
        {
            client.Reply.ArrayHeader(2);
        }

        client.Reply.Bulk(key);
        var stream = client.Keys.Streams.Get(client.Keys.Lookup(key));
        if (after.TryIncrement(out var start))
        {
            ReplyRange(client, stream, start, StreamId.Max, count, reverse: false);
        }
        else
        {
            client.Reply.ArrayHeader(0);
        }
    }

    /// <summary>Whether the stream at <paramref name="key"/> has a live entry above <paramref name="after"/> (Redis serves XREAD at once then).</summary>
    private static bool HasAfter(ClientSession client, ReadOnlySpan<byte> key, StreamId after)
    {
        ref var entry = ref client.Keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry) || entry.Kind != ValueKind.Stream)
        {
            return false;
        }

        var stream = client.Keys.Streams.Get(entry);
        return stream.Length > 0 && LastValidId(stream) > after;
    }

    /// <summary>Serves a blocked XREAD when one of its streams got entries past the id it waits beyond.</summary>
    private static bool ServeRead(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key)
    {
        ref var entry = ref client.Keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry) || entry.Kind != ValueKind.Stream)
        {
            return false;
        }

        StreamReadOptions.TryParse(client, request, readGroup: false, out var options);
        var after = WaitIdOf(client, request, options, key);
        if (client.Keys.Streams.Get(entry).LastId <= after)
        {
            return false;
        }

        ReadHeader(client, 1);
        ReplyReadStream(client, key, after, options.Count > 0 ? options.Count : BlockedDefaultCount);
        return true;
    }

    /// <summary>The id a blocked read remembered for <paramref name="key"/> (its first place among the keys).</summary>
    private static StreamId WaitIdOf(ClientSession client, in RespRequest request, in StreamReadOptions options, ReadOnlySpan<byte> key)
    {
        var ids = client.StreamWaitIds;
        for (var i = 0; i < options.StreamCount && i < ids.Length; i++)
        {
            if (request[options.StreamsAt + i].SequenceEqual(key))
            {
                return ids[i];
            }
        }

        return StreamId.Max;
    }
}
