namespace Cache.Node.Commands;

/// <summary>
/// Redis glob patterns (KEYS, SCAN MATCH, HSCAN MATCH, CONFIG GET): <c>*</c>, <c>?</c>,
/// <c>[abc]</c>, <c>[^a-z]</c> and <c>\</c> escapes, with the quirks of Redis' stringmatchlen:
/// range ends compare as signed chars, an escape inside a class ignores <c>ignoreCase</c>, an
/// unterminated class runs to the end of the pattern, and an empty text only matches an empty
/// pattern. The lone pattern <c>*</c> matches everything, as every Redis caller special-cases it.
/// Matching is iterative (greedy star with backtracking to the last star), so a hostile
/// pattern costs O(pattern × text), never a deep recursion.
/// </summary>
internal static class Glob
{
    /// <summary>
    /// Redis' stringmatchlen gives up (no match) past 1000 nested stars (CVE-2024-31228); a
    /// pattern whose 1001st star group is reached with text left to match fails here too.
    /// </summary>
    public const int MaxStarGroups = 1000;

    public static bool IsMatch(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool ignoreCase = false)
    {
        if (pattern.Length == 1 && pattern[0] == (byte)'*')
        {
            return true;
        }

        if (text.IsEmpty)
        {
            // stringmatchlen never enters its loop for an empty string: even "**" fails.
            return pattern.IsEmpty;
        }

        int p = 0, t = 0;
        int starP = -1, starT = 0;
        var stars = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == (byte)'*')
            {
                while (p < pattern.Length && pattern[p] == (byte)'*')
                {
                    p++;
                }

                if (p == pattern.Length)
                {
                    return true;
                }

                if (++stars > MaxStarGroups)
                {
                    return false;
                }

                starP = p;
                starT = t;
                continue;
            }

            if (p < pattern.Length && MatchOne(pattern, ref p, text[t], ignoreCase))
            {
                t++;
                continue;
            }

            if (starP < 0)
            {
                return false;
            }

            // Let the last star swallow one more character and retry from there. Earlier stars
            // never need to: every other token consumes exactly one character.
            p = starP;
            t = ++starT;
        }

        while (p < pattern.Length && pattern[p] == (byte)'*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Matches one pattern token at <paramref name="p"/> against <paramref name="c"/>; advances past it on success.</summary>
    private static bool MatchOne(ReadOnlySpan<byte> pattern, ref int p, byte c, bool ignoreCase)
    {
        var start = p;
        switch (pattern[p])
        {
            case (byte)'?':
                p++;
                return true;
            case (byte)'[':
                var matched = MatchClass(pattern, ref p, c, ignoreCase);
                if (!matched)
                {
                    p = start;
                }

                return matched;
            case (byte)'\\' when p + 1 < pattern.Length:
                if (Equal(pattern[p + 1], c, ignoreCase))
                {
                    p += 2;
                    return true;
                }

                return false;
            default:
                if (Equal(pattern[p], c, ignoreCase))
                {
                    p++;
                    return true;
                }

                return false;
        }
    }

    private static bool MatchClass(ReadOnlySpan<byte> pattern, ref int p, byte c, bool ignoreCase)
    {
        p++;
        var negate = p < pattern.Length && pattern[p] == (byte)'^';
        if (negate)
        {
            p++;
        }

        var match = false;
        while (p < pattern.Length)
        {
            var b = pattern[p];
            if (b == (byte)'\\' && p + 1 < pattern.Length)
            {
                // Redis compares escaped class members exactly, even with ignoreCase.
                match |= pattern[p + 1] == c;
                p += 2;
            }
            else if (b == (byte)']')
            {
                p++;
                return match != negate;
            }
            else if (p + 2 < pattern.Length && pattern[p + 1] == (byte)'-')
            {
                match |= InRange(pattern[p], pattern[p + 2], c, ignoreCase);
                p += 3;
            }
            else
            {
                match |= Equal(b, c, ignoreCase);
                p++;
            }
        }

        // An unterminated class ends with the pattern, as in Redis.
        return match != negate;
    }

    /// <summary>Redis compares range ends as (signed) C chars: bytes 0x80-0xFF sort below 0x00.</summary>
    private static bool InRange(byte from, byte to, byte c, bool ignoreCase)
    {
        if (ignoreCase)
        {
            from = Lower(from);
            to = Lower(to);
            c = Lower(c);
        }

        int lo = (sbyte)from, hi = (sbyte)to, x = (sbyte)c;
        if (lo > hi)
        {
            (lo, hi) = (hi, lo);
        }

        return x >= lo && x <= hi;
    }

    private static bool Equal(byte a, byte b, bool ignoreCase) => a == b || (ignoreCase && Lower(a) == Lower(b));

    private static byte Lower(byte b) => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b;
}
