using System.Globalization;
using System.Numerics;
using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// The number texts of GEO replies, digit for digit as Redis 7.0 prints them: distances with four
/// decimals (fixedpoint_d2string), coordinates as "%.17Lf" of the exact double with trailing
/// zeros trimmed (addReplyHumanLongDouble), and "%f" in the invalid-pair error.
/// </summary>
internal static class GeoFormat
{
    private static readonly UInt128[] PowersOfTen = BuildPowers();

    /// <summary>A distance rounded half-to-even to 4 decimals (Redis' llrint of d * 10000). Needs 32 bytes.</summary>
    public static int Distance(double value, Span<byte> text)
    {
        if (value == 0)
        {
            "0.0000"u8.CopyTo(text);
            return 6;
        }

        var scaled = Math.Round(value * 10000.0, MidpointRounding.ToEven);
        var negative = scaled < 0;
        var magnitude = negative ? -scaled : scaled;
        var units = magnitude < 9.2233720368547758E18 ? (UInt128)(ulong)magnitude : (UInt128)1 << 63;
        return WriteScaled(negative, units, 4, text);
    }

    /// <summary>"%.17Lf" of a coordinate with trailing zeros (and a bare dot) trimmed, "-0" as "0". Needs 64 bytes.</summary>
    public static int Human(double value, Span<byte> text)
    {
        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "inf"u8 : "-inf"u8, text);
        }

        if (!TryExactFixed(value, 17, out var negative, out var units))
        {
            return Copy(Encoding.ASCII.GetBytes(Trim(FixedSlow(value, 17))), text);
        }

        var length = WriteScaled(negative, units, 17, text);
        while (text[length - 1] == (byte)'0')
        {
            length--;
        }

        if (text[length - 1] == (byte)'.')
        {
            length--;
        }

        if (length == 2 && text[0] == (byte)'-' && text[1] == (byte)'0')
        {
            text[0] = (byte)'0';
            length = 1;
        }

        return length;
    }

    /// <summary>C's "%f": six decimals of the exact value, rounded half-to-even; inf and nan spelled out.</summary>
    public static string Fixed6(double value)
    {
        if (double.IsNaN(value))
        {
            return double.IsNegative(value) ? "-nan" : "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (TryExactFixed(value, 6, out var negative, out var units))
        {
            Span<byte> text = stackalloc byte[64];
            return Encoding.ASCII.GetString(text[..WriteScaled(negative, units, 6, text)]);
        }

        return FixedSlow(value, 6);
    }

    /// <summary>
    /// The value times 10^digits, rounded half-to-even, for values below 2^53 (every coordinate);
    /// false for larger ones.
    /// </summary>
    private static bool TryExactFixed(double value, int digits, out bool negative, out UInt128 units)
    {
        negative = double.IsNegative(value);
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var exponentField = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFUL;
        int exponent;
        if (exponentField == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1UL << 52;
            exponent = exponentField - 1075;
        }

        units = 0;
        if (exponent >= 0)
        {
            return false;
        }

        var shift = -exponent;
        var scaled = (UInt128)mantissa * PowersOfTen[digits];
        if (shift > 112)
        {
            // Below 2^110 / 2^113: less than half a unit.
            return true;
        }

        var quotient = scaled >> shift;
        var remainder = scaled - (quotient << shift);
        var half = (UInt128)1 << (shift - 1);
        if (remainder > half || (remainder == half && (quotient & 1) == 1))
        {
            quotient++;
        }

        units = quotient;
        return true;
    }

    // Integer-valued doubles of 2^53 and more: exact through BigInteger (rare, and only in replies of odd input).
    private static string FixedSlow(double value, int digits)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF) - 1075;
        var mantissa = (bits & 0xFFFFFFFFFFFFFUL) | (1UL << 52);
        var integer = new BigInteger(mantissa) << exponent;
        var sign = double.IsNegative(value) ? "-" : string.Empty;
        return sign + integer.ToString(CultureInfo.InvariantCulture) + "." + new string('0', digits);
    }

    private static string Trim(string text)
    {
        text = text.TrimEnd('0');
        return text.EndsWith('.') ? text[..^1] : text;
    }

    // Writes units / 10^digits with exactly that many decimals and at least one integer digit.
    private static int WriteScaled(bool negative, UInt128 units, int digits, Span<byte> text)
    {
        Span<byte> raw = stackalloc byte[48];
        units.TryFormat(raw, out var count, default, CultureInfo.InvariantCulture);
        var at = 0;
        if (negative)
        {
            text[at++] = (byte)'-';
        }

        var integerDigits = count - digits;
        if (integerDigits <= 0)
        {
            text[at++] = (byte)'0';
            text[at++] = (byte)'.';
            text.Slice(at, -integerDigits).Fill((byte)'0');
            at += -integerDigits;
            raw[..count].CopyTo(text[at..]);
            return at + count;
        }

        raw[..integerDigits].CopyTo(text[at..]);
        at += integerDigits;
        text[at++] = (byte)'.';
        raw[integerDigits..count].CopyTo(text[at..]);
        return at + digits;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> text)
    {
        source.CopyTo(text);
        return source.Length;
    }

    private static UInt128[] BuildPowers()
    {
        var powers = new UInt128[18];
        powers[0] = 1;
        for (var i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }
}
