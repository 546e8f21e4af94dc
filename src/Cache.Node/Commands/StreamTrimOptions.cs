using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>XADD's and XTRIM's options, as Redis' streamParseAddOrTrimArgsOrReply reads them.</summary>
internal struct StreamTrimOptions
{
    public bool HasStrategy;
    public bool ByLength;
    public long MaxLength;
    public StreamId MinId;
    public bool Approximate;

    /// <summary>The index of the MAXLEN / MINID threshold (an approximate one has "~" before it).</summary>
    public int ThresholdAt;
    public long Limit;
    public bool NoMakeStream;
    public bool IdGiven;
    public bool SequenceGiven;
    public StreamId Id;

    /// <summary>
    /// Reads the options from argument 2 on; for XADD (<paramref name="add"/>) stops at the id and
    /// returns its index; returns -1 after replying an error.
    /// </summary>
    public static int Parse(ClientSession client, in RespRequest request, bool add, out StreamTrimOptions options)
    {
        options = default;
        var limitGiven = false;
        var i = 2;
        for (; i < request.Count; i++)
        {
            var more = request.Count - 1 - i;
            var arg = request[i];
            if (add && arg.Length == 1 && arg[0] == '*')
            {
                break;
            }

            if (more > 0 && (Args.Is(arg, "MAXLEN"u8) || Args.Is(arg, "MINID"u8)))
            {
                if (options.HasStrategy)
                {
                    client.Reply.Error(StreamErrors.MaxLenAndMinId);
                    return -1;
                }

                options.ByLength = Args.Is(arg, "MAXLEN"u8);
                options.Approximate = false;
                var next = request[i + 1];
                if (more >= 2 && next.Length == 1 && next[0] is (byte)'~' or (byte)'=')
                {
                    options.Approximate = next[0] == '~';
                    i++;
                }

                options.ThresholdAt = i + 1;
                if (options.ByLength)
                {
                    if (!RespNumbers.TryParseInt64(request[i + 1], out options.MaxLength))
                    {
                        client.Reply.Error(Errors.NotInteger);
                        return -1;
                    }

                    if (options.MaxLength < 0)
                    {
                        client.Reply.Error(StreamErrors.MaxLenNegative);
                        return -1;
                    }
                }
                else if (!StreamArgs.TryParseOrReply(client, request[i + 1], 0, strict: true, out options.MinId))
                {
                    return -1;
                }

                i++;
                options.HasStrategy = true;
            }
            else if (more > 0 && Args.Is(arg, "LIMIT"u8))
            {
                if (!RespNumbers.TryParseInt64(request[i + 1], out options.Limit))
                {
                    client.Reply.Error(Errors.NotInteger);
                    return -1;
                }

                if (options.Limit < 0)
                {
                    client.Reply.Error(StreamErrors.LimitNegative);
                    return -1;
                }

                limitGiven = true;
                i++;
            }
            else if (add && Args.Is(arg, "NOMKSTREAM"u8))
            {
                options.NoMakeStream = true;
            }
            else if (add)
            {
                if (!StreamArgs.TryParse(arg, 0, strict: true, autoSequence: true, out options.Id, out options.SequenceGiven))
                {
                    client.Reply.Error(StreamErrors.InvalidId);
                    return -1;
                }

                options.IdGiven = true;
                break;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return -1;
            }
        }

        if (options.Limit != 0 && !options.HasStrategy)
        {
            client.Reply.Error(StreamErrors.LimitWithoutStrategy);
            return -1;
        }

        if (!add && !options.HasStrategy)
        {
            client.Reply.Error(StreamErrors.TrimWithoutStrategy);
            return -1;
        }

        if (limitGiven)
        {
            if (!options.Approximate)
            {
                client.Reply.Error(StreamErrors.LimitWithoutApprox);
                return -1;
            }
        }
        else
        {
            // Redis caps an approximate trim's work at 100 blocks unless told otherwise.
            options.Limit = options.Approximate ? Math.Clamp(100L * client.Keys.Limits.StreamNodeMaxEntries, 1, 1_000_000) : 0;
            if (options.Approximate && client.Keys.Limits.StreamNodeMaxEntries <= 0)
            {
                options.Limit = 10_000;
            }
        }

        return i;
    }

    /// <summary>Trims <paramref name="stream"/> as the options say; returns the entries removed.</summary>
    public readonly long Apply(StreamValue stream) =>
        HasStrategy ? stream.Trim(ByLength, MaxLength, MinId, Approximate, Limit) : 0;
}
