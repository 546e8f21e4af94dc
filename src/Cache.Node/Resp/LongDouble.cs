using System.Numerics;

namespace Cache.Node.Resp;

/// <summary>
/// An emulated x87 80-bit <c>long double</c> (64-bit significand), which Redis on x86-64 uses
/// for INCRBYFLOAT and HINCRBYFLOAT: parsing follows string2ld (glibc strtold, correctly
/// rounded), addition rounds once to nearest-even, and the text form is "%.17Lf" with trailing
/// zeros trimmed (ld2string LD_STR_HUMAN). Doubles cannot reproduce it: Redis answers 0.1 + 0.2
/// with "0.3" and accepts 1e400. The value is <c>(-1)^Negative * Significand * 2^Exponent</c>.
/// </summary>
internal readonly struct LongDouble
{
    /// <summary>Redis' MAX_LONG_DOUBLE_CHARS: arguments this long or longer are not floats.</summary>
    public const int MaxChars = 5 * 1024;

    private const int Precision = 64;

    // Exponent of the least significant bit of the smallest subnormal (2^-16445).
    private const int MinExponent = -16445;

    // Values at or above 2^16384 overflow to infinity.
    private const int MaxBinaryMagnitude = 16384;

    private readonly BigInteger _significand;
    private readonly int _exponent;

    private LongDouble(bool negative, BigInteger significand, int exponent, bool infinite)
    {
        Negative = negative;
        _significand = significand;
        _exponent = exponent;
        IsInfinity = infinite;
    }

    public bool Negative { get; }

    public bool IsInfinity { get; }

    public bool IsZero => !IsInfinity && _significand.IsZero;

    /// <summary>
    /// Parses like Redis' string2ld: strtold must consume the whole argument (so no NUL byte),
    /// no leading space, no NaN, and no overflow or underflow to zero.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out LongDouble value)
    {
        value = default;
        if (s.IsEmpty || s.Length >= MaxChars || IsSpace(s[0]))
        {
            return false;
        }

        if (s.IndexOf((byte)0) >= 0)
        {
            // strtold stops at a NUL, so it cannot have consumed the whole argument: Redis refuses it.
            return false;
        }

        var negative = s[0] == (byte)'-';
        if (s[0] is (byte)'-' or (byte)'+')
        {
            s = s[1..];
        }

        if (IsWord(s, "inf"u8) || IsWord(s, "infinity"u8))
        {
            value = new LongDouble(negative, BigInteger.Zero, 0, infinite: true);
            return true;
        }

        if (s.Length > 2 && s[0] == (byte)'0' && (s[1] | 0x20) == (byte)'x')
        {
            return TryParseHex(s[2..], negative, out value);
        }

        return TryParseDecimal(s, negative, out value);
    }

    /// <summary>The exact sum, rounded once to the nearest long double (ties to even).</summary>
    public static LongDouble Add(LongDouble a, LongDouble b)
    {
        if (a.IsInfinity || b.IsInfinity)
        {
            // inf + -inf is NaN; callers reject both alike.
            return new LongDouble(a.IsInfinity ? a.Negative : b.Negative, BigInteger.Zero, 0, infinite: true);
        }

        var low = Math.Min(a._exponent, b._exponent);
        var x = a._significand << (a._exponent - low);
        var y = b._significand << (b._exponent - low);
        var sum = (a.Negative ? -x : x) + (b.Negative ? -y : y);
        if (sum.IsZero)
        {
            return new LongDouble(a.Negative && b.Negative, BigInteger.Zero, 0, infinite: false);
        }

        return Round(sum.Sign < 0, BigInteger.Abs(sum), low, sticky: false);
    }

    /// <summary>Redis' human form: "%.17Lf", trailing zeros and a bare point trimmed, "-0" as "0".</summary>
    public byte[] ToHumanBytes()
    {
        BigInteger scaled;
        if (_exponent >= 0)
        {
            scaled = (_significand << _exponent) * Pow10(17);
        }
        else
        {
            var product = _significand * Pow10(17);
            var shift = -_exponent;
            scaled = product >> shift;
            var remainder = product - (scaled << shift);
            var half = BigInteger.One << (shift - 1);
            var cmp = remainder.CompareTo(half);
            if (cmp > 0 || (cmp == 0 && !scaled.IsEven))
            {
                scaled += 1;
            }
        }

        var digits = scaled.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(18, '0');
        var point = digits.Length - 17;
        var end = digits.Length;
        while (end > point && digits[end - 1] == '0')
        {
            end--;
        }

        var text = end == point ? digits[..point] : digits[..point] + "." + digits[point..end];
        if (Negative && text != "0")
        {
            text = "-" + text;
        }

        return System.Text.Encoding.ASCII.GetBytes(text);
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> s, bool negative, out LongDouble value)
    {
        value = default;
        var digits = new System.Text.StringBuilder();
        var seenDigit = false;
        var seenPoint = false;
        var fractionDigits = 0;
        var i = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                seenDigit = true;
                if (digits.Length > 0 || c != (byte)'0')
                {
                    digits.Append((char)c);
                }

                if (seenPoint)
                {
                    fractionDigits++;
                }
            }
            else if (c == (byte)'.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                break;
            }
        }

        if (!seenDigit || !TryParseExponent(s[i..], (byte)'e', out var exponent10))
        {
            return false;
        }

        if (digits.Length == 0)
        {
            value = new LongDouble(negative, BigInteger.Zero, 0, infinite: false);
            return true;
        }

        var scale = exponent10 - fractionDigits;
        var magnitude = digits.Length + scale;
        if (magnitude > 4940 || magnitude < -4960)
        {
            // Far beyond 1.19e4932 or below half the smallest subnormal (3.6e-4951): ERANGE.
            return false;
        }

        var mantissa = BigInteger.Parse(digits.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        if (scale >= 0)
        {
            value = Round(negative, mantissa * Pow10((int)scale), 0, sticky: false);
        }
        else
        {
            var divisor = Pow10((int)-scale);
            var shift = (int)Math.Max(0, Precision + 2 + divisor.GetBitLength() - mantissa.GetBitLength() + 1);
            var quotient = BigInteger.DivRem(mantissa << shift, divisor, out var remainder);
            value = Round(negative, quotient, -shift, sticky: !remainder.IsZero);
        }

        return !value.IsInfinity && !value.IsZero;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> s, bool negative, out LongDouble value)
    {
        value = default;
        var mantissa = BigInteger.Zero;
        var seenDigit = false;
        var seenPoint = false;
        long exponent2 = 0;
        var i = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            var d = HexValue(c);
            if (d >= 0)
            {
                seenDigit = true;
                mantissa = (mantissa << 4) + d;
                if (seenPoint)
                {
                    exponent2 -= 4;
                }
            }
            else if (c == (byte)'.' && !seenPoint)
            {
                seenPoint = true;
            }
            else
            {
                break;
            }
        }

        if (!seenDigit || !TryParseExponent(s[i..], (byte)'p', out var p))
        {
            return false;
        }

        if (mantissa.IsZero)
        {
            value = new LongDouble(negative, BigInteger.Zero, 0, infinite: false);
            return true;
        }

        exponent2 += p;
        var magnitude = exponent2 + (long)mantissa.GetBitLength();
        if (magnitude > MaxBinaryMagnitude + 2 || magnitude < MinExponent - 2)
        {
            return false;
        }

        value = Round(negative, mantissa, (int)exponent2, sticky: false);
        return !value.IsInfinity && !value.IsZero;
    }

    /// <summary>An optional exponent part ("e-5" or "p+3") that must end the text; saturates huge values.</summary>
    private static bool TryParseExponent(ReadOnlySpan<byte> s, byte marker, out long exponent)
    {
        exponent = 0;
        if (s.IsEmpty)
        {
            return true;
        }

        if ((s[0] | 0x20) != marker)
        {
            return false;
        }

        s = s[1..];
        var negative = !s.IsEmpty && s[0] == (byte)'-';
        if (!s.IsEmpty && s[0] is (byte)'-' or (byte)'+')
        {
            s = s[1..];
        }

        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            exponent = Math.Min((exponent * 10) + (c - '0'), 1_000_000_000);
        }

        if (negative)
        {
            exponent = -exponent;
        }

        return true;
    }

    /// <summary>Rounds <c>magnitude * 2^exponent</c> (plus a nonzero tail when sticky) to 64 bits, ties to even.</summary>
    private static LongDouble Round(bool negative, BigInteger magnitude, int exponent, bool sticky)
    {
        var drop = (int)Math.Max(magnitude.GetBitLength() - Precision, MinExponent - (long)exponent);
        if (drop > 0)
        {
            var kept = magnitude >> drop;
            var rest = magnitude - (kept << drop);
            var half = BigInteger.One << (drop - 1);
            var cmp = rest.CompareTo(half);
            if (cmp > 0 || (cmp == 0 && (sticky || !kept.IsEven)))
            {
                kept += 1;
            }

            magnitude = kept;
            exponent += drop;
        }

        if (magnitude.IsZero)
        {
            return new LongDouble(negative, BigInteger.Zero, 0, infinite: false);
        }

        var infinite = magnitude.GetBitLength() + exponent > MaxBinaryMagnitude;
        return new LongDouble(negative, infinite ? BigInteger.Zero : magnitude, infinite ? 0 : exponent, infinite);
    }

    private static BigInteger Pow10(int n) => BigInteger.Pow(10, n);

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool IsWord(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lowerWord)
    {
        if (s.Length != lowerWord.Length)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            if ((s[i] | 0x20) != lowerWord[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';
}
