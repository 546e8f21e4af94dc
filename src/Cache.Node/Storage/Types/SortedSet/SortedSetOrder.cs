namespace Cache.Node.Storage;

/// <summary>Redis' order of sorted-set members: by score, then by member bytes (memcmp, shorter first on a tie).</summary>
internal static class SortedSetOrder
{
    /// <summary>Negative when (a, aMember) sorts before (b, bMember), 0 when equal.</summary>
    public static int Compare(double a, ReadOnlySpan<byte> aMember, double b, ReadOnlySpan<byte> bMember)
    {
        if (a < b)
        {
            return -1;
        }

        if (a > b)
        {
            return 1;
        }

        return aMember.SequenceCompareTo(bMember);
    }
}
