using System.Buffers.Text;

namespace Cache.Node.Storage;

/// <summary>
/// Redis' test for a set member that an intset may hold (isSdsRepresentableAsLongLong): the
/// canonical decimal form of a signed 64-bit integer (optional '-', no '+', no leading zeros,
/// no spaces, no "-0"), and its formatting back to those bytes.
/// </summary>
internal static class SetInteger
{
    /// <summary>Longest decimal form of an int64 ("-9223372036854775808").</summary>
    public const int MaxDigits = 20;

    public static bool TryParse(ReadOnlySpan<byte> member, out long value)
    {
        value = 0;
        if (member.IsEmpty || member.Length > MaxDigits)
        {
            return false;
        }

        if (member.Length == 1 && member[0] == (byte)'0')
        {
            return true;
        }

        var negative = member[0] == (byte)'-';
        var i = negative ? 1 : 0;
        if (i >= member.Length || member[i] < (byte)'1' || member[i] > (byte)'9')
        {
            return false;
        }

        ulong magnitude = 0;
        for (; i < member.Length; i++)
        {
            var digit = (uint)(member[i] - (byte)'0');
            if (digit > 9 || magnitude > (ulong.MaxValue - digit) / 10)
            {
                return false;
            }

            magnitude = (magnitude * 10) + digit;
        }

        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
            {
                return false;
            }

            value = (long)(0 - magnitude);
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        value = (long)magnitude;
        return true;
    }

    /// <summary>Writes the canonical decimal form of <paramref name="value"/>; returns its length.</summary>
    public static int Format(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out var written);
        return written;
    }
}
