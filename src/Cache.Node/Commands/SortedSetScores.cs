using System.Globalization;
using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// Scores as Redis reads them (strtod, as getDoubleFromObject uses it): no surrounding spaces,
/// inf / +inf / -inf / infinity in any case, no NaN, no overflow to infinity, any length.
/// </summary>
internal static class SortedSetScores
{
    public static bool TryParse(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        if (text.IsEmpty || IsSpace(text[0]) || IsSpace(text[^1]))
        {
            return false;
        }

        var unsigned = text[0] is (byte)'+' or (byte)'-' ? text[1..] : text;
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = text[0] == (byte)'-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (unsigned.Length > 2 && unsigned[0] == (byte)'0' && (unsigned[1] | 0x20) == (byte)'x')
        {
            return TryParseHex(unsigned[2..], text[0] == (byte)'-', out value);
        }

        // Letters other than an exponent would let .NET read "NaN" or "Infinity" spelled its way.
        foreach (var b in unsigned)
        {
            if (!(b is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'E' or (byte)'+' or (byte)'-'))
            {
                return false;
            }
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>strtod's hexadecimal form after "0x": hex digits, an optional fraction, an optional binary exponent "p±n".</summary>
    private static bool TryParseHex(ReadOnlySpan<byte> text, bool negative, out double value)
    {
        value = 0;
        ulong mantissa = 0;
        var exponent = 0;
        var digits = 0;
        var fraction = false;
        var at = 0;
        for (; at < text.Length; at++)
        {
            var b = text[at];
            if (b == (byte)'.' && !fraction)
            {
                fraction = true;
                continue;
            }

            var digit = HexValue(b);
            if (digit < 0)
            {
                break;
            }

            digits++;
            if (mantissa >> 58 == 0)
            {
                mantissa = (mantissa << 4) | (uint)digit;
                exponent -= fraction ? 4 : 0;
            }
            else
            {
                // Digits past 60 bits only scale (their value is below the double's precision).
                exponent += fraction ? 0 : 4;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (at < text.Length)
        {
            if ((text[at] | 0x20) != (byte)'p' || !int.TryParse(text[(at + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var power))
            {
                return false;
            }

            exponent += power;
        }

        value = Math.ScaleB(mantissa, exponent);
        value = negative ? -value : value;
        return double.IsFinite(value);
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
