using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>XREAD's and XREADGROUP's options before the ids, as Redis' xreadCommand reads them.</summary>
internal struct StreamReadOptions
{
    /// <summary>Unix ms to wait until (0: for ever); only when <see cref="Blocks"/>.</summary>
    public long DeadlineMs;
    public bool Blocks;
    public long Count;
    public int StreamsAt;
    public int StreamCount;
    public int GroupAt;
    public bool NoAck;

    /// <summary>Reads the options; false after replying an error.</summary>
    public static bool TryParse(ClientSession client, in RespRequest request, bool readGroup, out StreamReadOptions options)
    {
        options = default;
        for (var i = 1; i < request.Count; i++)
        {
            var more = request.Count - i - 1;
            var arg = request[i];
            if (more > 0 && Args.Is(arg, "BLOCK"u8))
            {
                i++;
                if (!TryParseTimeout(client, request[i], out options.DeadlineMs))
                {
                    return false;
                }

                options.Blocks = true;
            }
            else if (more > 0 && Args.Is(arg, "COUNT"u8))
            {
                i++;
                if (!RespNumbers.TryParseInt64(request[i], out options.Count))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return false;
                }

                options.Count = Math.Max(0, options.Count);
            }
            else if (more > 0 && Args.Is(arg, "STREAMS"u8))
            {
                options.StreamsAt = i + 1;
                var rest = request.Count - options.StreamsAt;
                if (rest % 2 != 0)
                {
                    client.Reply.Error(StreamErrors.Unbalanced);
                    return false;
                }

                options.StreamCount = rest / 2;
                break;
            }
            else if (more >= 2 && Args.Is(arg, "GROUP"u8))
            {
                if (!readGroup)
                {
                    client.Reply.Error(StreamErrors.GroupOnlyXReadGroup);
                    return false;
                }

                options.GroupAt = i + 1;
                i += 2;
            }
            else if (Args.Is(arg, "NOACK"u8))
            {
                if (!readGroup)
                {
                    client.Reply.Error(StreamErrors.NoAckOnlyXReadGroup);
                    return false;
                }

                options.NoAck = true;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return false;
            }
        }

        if (options.StreamsAt == 0)
        {
            client.Reply.Error(Errors.Syntax);
            return false;
        }

        if (readGroup && options.GroupAt == 0)
        {
            client.Reply.Error(StreamErrors.MissingGroup);
            return false;
        }

        return true;
    }

    /// <summary>BLOCK's milliseconds, as Redis' getTimeoutFromObjectOrReply with UNIT_MILLISECONDS.</summary>
    private static bool TryParseTimeout(ClientSession client, ReadOnlySpan<byte> arg, out long deadlineMs)
    {
        deadlineMs = 0;
        if (!RespNumbers.TryParseInt64(arg, out var ms))
        {
            client.Reply.Error("ERR timeout is not an integer or out of range"u8);
            return false;
        }

        if (ms < 0)
        {
            client.Reply.Error("ERR timeout is negative"u8);
            return false;
        }

        if (ms > 0)
        {
            var now = client.Keys.NowMs;
            if (ms > long.MaxValue - now)
            {
                client.Reply.Error("ERR timeout is out of range"u8);
                return false;
            }

            deadlineMs = ms + now;
        }

        return true;
    }
}
