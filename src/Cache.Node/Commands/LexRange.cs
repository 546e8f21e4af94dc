namespace Cache.Node.Commands;

/// <summary>
/// A member interval as ZRANGEBYLEX takes it: "[a" inclusive, "(a" exclusive, "-" and "+" the
/// ends of everything. Members compare as bytes (memcmp), as Redis does.
/// </summary>
internal readonly ref struct LexRange
{
    private readonly ReadOnlySpan<byte> _min;
    private readonly ReadOnlySpan<byte> _max;
    private readonly LexEnd _minKind;
    private readonly LexEnd _maxKind;

    private LexRange(ReadOnlySpan<byte> min, LexEnd minKind, ReadOnlySpan<byte> max, LexEnd maxKind)
    {
        _min = min;
        _minKind = minKind;
        _max = max;
        _maxKind = maxKind;
    }

    private enum LexEnd
    {
        Inclusive,
        Exclusive,
        NegativeInfinity,
        PositiveInfinity,
    }

    public bool AboveMin(ReadOnlySpan<byte> member) => _minKind switch
    {
        LexEnd.NegativeInfinity => true,
        LexEnd.PositiveInfinity => false,
        LexEnd.Exclusive => member.SequenceCompareTo(_min) > 0,
        _ => member.SequenceCompareTo(_min) >= 0,
    };

    public bool BelowMax(ReadOnlySpan<byte> member) => _maxKind switch
    {
        LexEnd.PositiveInfinity => true,
        LexEnd.NegativeInfinity => false,
        LexEnd.Exclusive => member.SequenceCompareTo(_max) < 0,
        _ => member.SequenceCompareTo(_max) <= 0,
    };

    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseEnd(min, out var low, out var lowKind) || !TryParseEnd(max, out var high, out var highKind))
        {
            return false;
        }

        range = new LexRange(low, lowKind, high, highKind);
        return true;
    }

    private static bool TryParseEnd(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> value, out LexEnd kind)
    {
        value = default;
        kind = LexEnd.Inclusive;
        if (text.Length == 0)
        {
            return false;
        }

        switch (text[0])
        {
            case (byte)'+' when text.Length == 1:
                kind = LexEnd.PositiveInfinity;
                return true;
            case (byte)'-' when text.Length == 1:
                kind = LexEnd.NegativeInfinity;
                return true;
            case (byte)'(':
                kind = LexEnd.Exclusive;
                value = text[1..];
                return true;
            case (byte)'[':
                value = text[1..];
                return true;
            default:
                return false;
        }
    }
}
