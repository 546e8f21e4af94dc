namespace Cache.Node.Storage;

/// <summary>
/// The chunk sizes of <see cref="SlabAllocator"/>: 16 bytes up to <see cref="MaxChunk"/> in
/// roughly 1.25x steps, multiples of 8. Geometric steps bound the rounding slack at about 20%
/// of a record while keeping the number of free lists small.
/// </summary>
internal static class SizeClasses
{
    /// <summary>The largest chunk carved from a page; larger records get their own array.</summary>
    public const int MaxChunk = SlabAllocator.PageSize / 8;

    private const int Granule = 8;

    private static readonly int[] Sizes = BuildSizes();

    // Class index for every size rounded up to the granule: a table lookup on the hot path.
    private static readonly byte[] ByGranule = BuildLookup();

    public static int Count => Sizes.Length;

    public static int SizeOf(int cls) => Sizes[cls];

    /// <summary>The smallest class whose chunks hold <paramref name="size"/> bytes (at most <see cref="MaxChunk"/>).</summary>
    public static int ClassOf(int size) => ByGranule[(size + Granule - 1) / Granule];

    private static int[] BuildSizes()
    {
        var sizes = new List<int>();
        for (var size = 16; ; size = Math.Max(size + Granule, (int)(size * 1.25) / Granule * Granule))
        {
            if (size >= MaxChunk)
            {
                sizes.Add(MaxChunk);
                break;
            }

            sizes.Add(size);
        }

        return [.. sizes];
    }

    private static byte[] BuildLookup()
    {
        var table = new byte[(MaxChunk / Granule) + 1];
        var cls = 0;
        for (var g = 0; g < table.Length; g++)
        {
            while (Sizes[cls] < g * Granule)
            {
                cls++;
            }

            table[g] = (byte)cls;
        }

        return table;
    }
}
