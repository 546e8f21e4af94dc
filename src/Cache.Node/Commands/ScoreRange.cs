using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>A score interval as ZRANGEBYSCORE, ZCOUNT and friends take it: "(" makes an end exclusive; inf, -inf, +inf work.</summary>
internal readonly record struct ScoreRange(double Min, bool MinExclusive, double Max, bool MaxExclusive)
{
    public bool AboveMin(double score) => MinExclusive ? score > Min : score >= Min;

    public bool BelowMax(double score) => MaxExclusive ? score < Max : score <= Max;

    /// <summary>Parses both ends as Redis' zslParseRange does; false on a malformed end or NaN.</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseEnd(min, out var low, out var lowExclusive) || !TryParseEnd(max, out var high, out var highExclusive))
        {
            return false;
        }

        range = new ScoreRange(low, lowExclusive, high, highExclusive);
        return true;
    }

    private static bool TryParseEnd(ReadOnlySpan<byte> text, out double value, out bool exclusive)
    {
        exclusive = text.Length > 0 && text[0] == (byte)'(';
        if (exclusive)
        {
            text = text[1..];
        }

        return SortedSetScores.TryParse(text, out value);
    }
}
