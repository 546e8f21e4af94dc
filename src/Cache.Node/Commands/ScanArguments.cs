using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>What SCAN, HSCAN, SSCAN and ZSCAN read the same way: the cursor, and [MATCH pattern] [COUNT count].</summary>
internal static class ScanArguments
{
    /// <summary>COUNT when none is given, as in Redis.</summary>
    public const int DefaultCount = 10;

    /// <summary>
    /// The cursor is read as C's strtoul does in Redis: optional sign (a negative one wraps),
    /// decimal digits, nothing after them (the text ends at a NUL byte), no leading space and
    /// no overflow. An empty cursor is 0.
    /// </summary>
    public static bool TryParseCursor(ReadOnlySpan<byte> text, out ulong cursor)
    {
        cursor = 0;
        var nul = text.IndexOf((byte)0);
        if (nul >= 0)
        {
            text = text[..nul];
        }

        if (text.IsEmpty)
        {
            return true;
        }

        var i = 0;
        var negative = false;
        if (text[0] is (byte)'+' or (byte)'-')
        {
            negative = text[0] == (byte)'-';
            i = 1;
        }

        if (i == text.Length)
        {
            return false;
        }

        ulong value = 0;
        for (; i < text.Length; i++)
        {
            var digit = (uint)(text[i] - (byte)'0');
            if (digit > 9 || value > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        cursor = negative ? 0 - value : value;
        return true;
    }

    /// <summary>
    /// Reads [MATCH pattern] [COUNT count] from argument 3 on (HSCAN, SSCAN, ZSCAN): the count, and
    /// the index of the last pattern (0 for none). False after writing Redis' error.
    /// </summary>
    public static bool TryParseOptions(ClientSession client, in RespRequest request, out long count, out int patternAt)
    {
        count = DefaultCount;
        patternAt = 0;
        for (var i = 3; i < request.Count; i += 2)
        {
            var hasValue = i + 1 < request.Count;
            if (hasValue && Args.Is(request[i], "COUNT"u8))
            {
                if (!Args.TryInteger(client, request[i + 1], out count))
                {
                    return false;
                }

                if (count < 1)
                {
                    client.Reply.Error(Errors.Syntax);
                    return false;
                }
            }
            else if (hasValue && Args.Is(request[i], "MATCH"u8))
            {
                patternAt = i + 1;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return false;
            }
        }

        return true;
    }
}
