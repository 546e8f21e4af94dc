using System.Buffers.Text;
using System.Globalization;

namespace Cache.Node.Resp;

/// <summary>Number parsing and formatting with Redis' exact rules (string2ll, string2ld).</summary>
internal static class RespNumbers
{
    /// <summary>
    /// Parses a signed 64-bit integer the way Redis' string2ll does: an optional '-', digits,
    /// no '+', no spaces, no leading zeros, nothing else, and no overflow.
    /// </summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 20)
        {
            return false;
        }

        if (s.Length == 1 && s[0] == (byte)'0')
        {
            return true;
        }

        var negative = s[0] == (byte)'-';
        var i = negative ? 1 : 0;
        if (i >= s.Length || s[i] < (byte)'1' || s[i] > (byte)'9')
        {
            return false;
        }

        ulong acc = 0;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - (byte)'0');
            if (d > 9)
            {
                return false;
            }

            if (acc > (ulong.MaxValue - d) / 10)
            {
                return false;
            }

            acc = (acc * 10) + d;
        }

        if (negative)
        {
            if (acc > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = (long)(0 - acc);
            return true;
        }

        if (acc > long.MaxValue)
        {
            return false;
        }

        value = (long)acc;
        return true;
    }

    /// <summary>
    /// Parses a long double argument the way Redis does for INCRBYFLOAT and friends:
    /// no surrounding spaces, not NaN; "inf" forms are accepted.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 5000 || IsSpace(s[0]) || IsSpace(s[^1]))
        {
            return false;
        }

        Span<char> chars = stackalloc char[Math.Min(s.Length, 256)];
        if (s.Length > chars.Length)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            chars[i] = (char)s[i];
        }

        var text = chars[..s.Length];
        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("+inf", StringComparison.OrdinalIgnoreCase) ||
            text.Equals("infinity", StringComparison.OrdinalIgnoreCase) || text.Equals("+infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (text.Equals("-inf", StringComparison.OrdinalIgnoreCase) || text.Equals("-infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NegativeInfinity;
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        return !double.IsNaN(value);
    }

    /// <summary>Formats an integer as ASCII digits; returns the byte count.</summary>
    public static int Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }

    /// <summary>
    /// Redis 7.0's addReplyDouble format, "%.17g" ("0.10000000000000001", "1e+17", "inf"),
    /// for RESP3 doubles and their RESP2 bulk form.
    /// </summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsInfinity(value))
        {
            var text = value > 0 ? "inf"u8 : "-inf"u8;
            text.CopyTo(destination);
            return text.Length;
        }

        // .NET's G17 picks fixed or exponent form by C's rule; only the exponent letter differs.
        Span<char> chars = stackalloc char[32];
        value.TryFormat(chars, out var n, "G17", CultureInfo.InvariantCulture);
        for (var i = 0; i < n; i++)
        {
            destination[i] = (byte)(chars[i] == 'E' ? 'e' : chars[i]);
        }

        return n;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
