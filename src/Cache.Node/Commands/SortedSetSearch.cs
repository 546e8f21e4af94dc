using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Where a score or lex interval starts and ends in a sorted set, as ranks, by binary search over ranks.</summary>
internal static class SortedSetSearch
{
    /// <summary>The ranks [start, end) of the members within <paramref name="range"/>.</summary>
    public static (long Start, long End) Find(SortedSetHandle set, ScoreRange range)
    {
        long low = 0, high = set.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            set.ReadAt(mid, out _, out var score);
            if (range.AboveMin(score))
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        var start = low;
        high = set.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            set.ReadAt(mid, out _, out var score);
            if (range.BelowMax(score))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return (start, Math.Max(start, low));
    }

    /// <summary>The ranks [start, end) of the members within <paramref name="range"/> (members of equal scores).</summary>
    public static (long Start, long End) Find(SortedSetHandle set, LexRange range)
    {
        long low = 0, high = set.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            set.ReadAt(mid, out var member, out _);
            if (range.AboveMin(member))
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        var start = low;
        high = set.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            set.ReadAt(mid, out var member, out _);
            if (range.BelowMax(member))
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return (start, Math.Max(start, low));
    }

    /// <summary>Redis' rank-range clamping (negative counts from the end): the first rank and how many, 0 when empty.</summary>
    public static (long Start, long Count) ClampRanks(long start, long end, long length)
    {
        if (start < 0)
        {
            start += length;
        }

        if (end < 0)
        {
            end += length;
        }

        if (start < 0)
        {
            start = 0;
        }

        if (start > end || start >= length)
        {
            return (0, 0);
        }

        if (end >= length)
        {
            end = length - 1;
        }

        return (start, end - start + 1);
    }
}
