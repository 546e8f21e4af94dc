namespace Cache.Node.Storage;

/// <summary>Binary search by name in a list sorted by name (groups of a stream, consumers of a group).</summary>
internal static class StreamNames
{
    /// <summary>The index of <paramref name="name"/>, or the complement of where it would go.</summary>
    public static int IndexOf<T>(List<T> sorted, ReadOnlySpan<byte> name)
        where T : IStreamNamed
    {
        int low = 0, high = sorted.Count - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var order = sorted[mid].Name.AsSpan().SequenceCompareTo(name);
            if (order == 0)
            {
                return mid;
            }

            if (order < 0)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return ~low;
    }
}
