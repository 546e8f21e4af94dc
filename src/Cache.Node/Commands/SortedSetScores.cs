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

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
