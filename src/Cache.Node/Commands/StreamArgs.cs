using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Stream ids as Redis reads them from arguments (streamGenericParseIDOrReply and its wrappers).</summary>
internal static class StreamArgs
{
    /// <summary>
    /// Parses <c>ms[-seq]</c>, "-" and "+" (unless <paramref name="strict"/>), and <c>ms-*</c> when
    /// <paramref name="autoSequence"/>: then <paramref name="sequenceGiven"/> is false. A missing
    /// sequence is <paramref name="missingSeq"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> arg, ulong missingSeq, bool strict, bool autoSequence, out StreamId id, out bool sequenceGiven)
    {
        id = default;
        sequenceGiven = true;
        if (arg.Length > 127)
        {
            return false;
        }

        if (arg.Length == 1 && arg[0] is (byte)'-' or (byte)'+')
        {
            if (strict)
            {
                return false;
            }

            id = arg[0] == '-' ? StreamId.Zero : StreamId.Max;
            return true;
        }

        var dash = arg.IndexOf((byte)'-');
        var msPart = dash >= 0 ? arg[..dash] : arg;
        if (!TryParseUnsigned(msPart, out var ms))
        {
            return false;
        }

        var seq = missingSeq;
        if (dash >= 0)
        {
            var seqPart = arg[(dash + 1)..];
            if (autoSequence && seqPart.Length == 1 && seqPart[0] == '*')
            {
                seq = 0;
                sequenceGiven = false;
            }
            else if (!TryParseUnsigned(seqPart, out seq))
            {
                return false;
            }
        }

        id = new StreamId(ms, seq);
        return true;
    }

    /// <summary>A plain or strict id; false after replying the invalid-id error.</summary>
    public static bool TryParseOrReply(ClientSession client, ReadOnlySpan<byte> arg, ulong missingSeq, bool strict, out StreamId id)
    {
        if (TryParse(arg, missingSeq, strict, autoSequence: false, out id, out _))
        {
            return true;
        }

        client.Reply.Error(StreamErrors.InvalidId);
        return false;
    }

    /// <summary>A range bound: "(" makes it exclusive (and strict); false after replying.</summary>
    public static bool TryParseBoundOrReply(ClientSession client, ReadOnlySpan<byte> arg, ulong missingSeq, out StreamId id, out bool exclusive)
    {
        exclusive = arg.Length > 1 && arg[0] == '(';
        return exclusive
            ? TryParseOrReply(client, arg[1..], missingSeq, strict: true, out id)
            : TryParseOrReply(client, arg, missingSeq, strict: false, out id);
    }

    /// <summary>
    /// An inclusive start from a range argument (an exclusive one moved up by one); false after
    /// replying.
    /// </summary>
    public static bool TryParseStartOrReply(ClientSession client, ReadOnlySpan<byte> arg, out StreamId start)
    {
        if (!TryParseBoundOrReply(client, arg, 0, out start, out var exclusive))
        {
            return false;
        }

        if (exclusive && !start.TryIncrement(out start))
        {
            client.Reply.Error(StreamErrors.InvalidStart);
            return false;
        }

        return true;
    }

    /// <summary>An inclusive end from a range argument (an exclusive one moved down by one); false after replying.</summary>
    public static bool TryParseEndOrReply(ClientSession client, ReadOnlySpan<byte> arg, out StreamId end)
    {
        if (!TryParseBoundOrReply(client, arg, ulong.MaxValue, out end, out var exclusive))
        {
            return false;
        }

        if (exclusive && !end.TryDecrement(out end))
        {
            client.Reply.Error(StreamErrors.InvalidEnd);
            return false;
        }

        return true;
    }

    /// <summary>Writes an id as a bulk string.</summary>
    public static void ReplyId(ClientSession client, StreamId id)
    {
        Span<byte> text = stackalloc byte[StreamId.MaxText];
        client.Reply.Bulk(text[..id.Format(text)]);
    }

    /// <summary>An unsigned 64-bit decimal as strtoull takes it: leading blanks, an optional '+', digits, nothing after.</summary>
    private static bool TryParseUnsigned(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        var at = 0;
        while (at < text.Length && text[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r')
        {
            at++;
        }

        if (at < text.Length && text[at] == '+')
        {
            at++;
        }

        if (at == text.Length)
        {
            return false;
        }

        for (; at < text.Length; at++)
        {
            var digit = text[at] - '0';
            if ((uint)digit > 9 || value > (ulong.MaxValue - (ulong)digit) / 10)
            {
                return false;
            }

            value = (value * 10) + (ulong)digit;
        }

        return true;
    }
}
