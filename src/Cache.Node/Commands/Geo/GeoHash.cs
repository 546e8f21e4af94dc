namespace Cache.Node.Commands;

/// <summary>
/// The interleaved geohash Redis keeps as a GEO member's score: latitude and longitude each cut
/// into 2^step cells, their cell numbers' bits interleaved (latitude on the even bits). GEO
/// scores use 26 steps over Redis' Web-Mercator ranges (latitude ±85.05112878), so 52 bits,
/// exact in a double. The arithmetic follows Redis 7.0's geohash.c operation by operation, so
/// cells, neighbours and decoded centres are Redis' to the last bit.
/// </summary>
internal static class GeoHash
{
    public const double LatitudeMin = -85.05112878;
    public const double LatitudeMax = 85.05112878;
    public const double LongitudeMin = -180;
    public const double LongitudeMax = 180;
    public const int StepMax = 26;

    /// <summary>Interleaves the low 32 bits of both: <paramref name="even"/> on the even bits.</summary>
    public static ulong Interleave(uint even, uint odd) => Spread(even) | (Spread(odd) << 1);

    /// <summary>Splits an interleaved value: the even bits in the low half, the odd bits in the high half.</summary>
    public static ulong Deinterleave(ulong interleaved) => Compact(interleaved) | (Compact(interleaved >> 1) << 32);

    /// <summary>
    /// The cell of (<paramref name="longitude"/>, <paramref name="latitude"/>) at <paramref name="step"/>
    /// over the given ranges; false outside Redis' GEO limits or the ranges.
    /// </summary>
    public static bool TryEncode(in GeoRanges ranges, double longitude, double latitude, int step, out GeoHashBits hash)
    {
        hash = default;
        if (step is > 32 or 0 || longitude > LongitudeMax || longitude < LongitudeMin || latitude > LatitudeMax || latitude < LatitudeMin)
        {
            return false;
        }

        if (latitude < ranges.LatitudeMin || latitude > ranges.LatitudeMax || longitude < ranges.LongitudeMin || longitude > ranges.LongitudeMax)
        {
            return false;
        }

        var latitudeOffset = (latitude - ranges.LatitudeMin) / (ranges.LatitudeMax - ranges.LatitudeMin);
        var longitudeOffset = (longitude - ranges.LongitudeMin) / (ranges.LongitudeMax - ranges.LongitudeMin);
        latitudeOffset *= 1UL << step;
        longitudeOffset *= 1UL << step;
        hash = new GeoHashBits(Interleave((uint)latitudeOffset, (uint)longitudeOffset), step);
        return true;
    }

    /// <summary>The 52-bit score of a point already checked to lie within the GEO limits.</summary>
    public static ulong Score(double longitude, double latitude)
    {
        TryEncode(GeoRanges.Mercator, longitude, latitude, StepMax, out var hash);
        return Align52(hash);
    }

    /// <summary>A cell's bits shifted up to 52 bits (the score of its first point).</summary>
    public static ulong Align52(GeoHashBits hash) => hash.Bits << (52 - (hash.Step * 2));

    /// <summary>The longitude and latitude bounds of a cell.</summary>
    public static GeoArea Decode(in GeoRanges ranges, GeoHashBits hash)
    {
        var separated = Deinterleave(hash.Bits);
        var latitudeScale = ranges.LatitudeMax - ranges.LatitudeMin;
        var longitudeScale = ranges.LongitudeMax - ranges.LongitudeMin;
        var latitudeCell = (uint)separated;
        var longitudeCell = (uint)(separated >> 32);
        double cells = 1UL << hash.Step;
        return new GeoArea(
            ranges.LongitudeMin + (longitudeCell * 1.0 / cells * longitudeScale),
            ranges.LongitudeMin + (unchecked(longitudeCell + 1) * 1.0 / cells * longitudeScale),
            ranges.LatitudeMin + (latitudeCell * 1.0 / cells * latitudeScale),
            ranges.LatitudeMin + (unchecked(latitudeCell + 1) * 1.0 / cells * latitudeScale));
    }

    /// <summary>
    /// The point a GEO score stands for: its 26-step cell's centre, clamped to the GEO limits. Any
    /// score decodes (Redis casts it to an unsigned 64-bit integer first, as x86-64 does here).
    /// </summary>
    public static void DecodeScore(double score, out double longitude, out double latitude)
    {
        var area = Decode(GeoRanges.Mercator, new GeoHashBits(ToUInt64(score), StepMax));
        longitude = Math.Clamp((area.LongitudeMin + area.LongitudeMax) / 2, LongitudeMin, LongitudeMax);
        latitude = Math.Clamp((area.LatitudeMin + area.LatitudeMax) / 2, LatitudeMin, LatitudeMax);
    }

    /// <summary>The eight cells around <paramref name="hash"/>, wrapping at the edges of the grid.</summary>
    public static GeoNeighbors Neighbors(GeoHashBits hash) => new()
    {
        North = MoveY(hash, 1),
        South = MoveY(hash, -1),
        East = MoveX(hash, 1),
        West = MoveX(hash, -1),
        NorthEast = MoveY(MoveX(hash, 1), 1),
        NorthWest = MoveY(MoveX(hash, -1), 1),
        SouthEast = MoveY(MoveX(hash, 1), -1),
        SouthWest = MoveY(MoveX(hash, -1), -1),
    };

    // Longitude sits on the odd bits: add or subtract one there, carrying across the even ones.
    private static GeoHashBits MoveX(GeoHashBits hash, int direction)
    {
        var x = hash.Bits & 0xaaaaaaaaaaaaaaaaUL;
        var y = hash.Bits & 0x5555555555555555UL;
        var fill = 0x5555555555555555UL >> (64 - (hash.Step * 2));
        x = direction > 0 ? x + (fill + 1) : (x | fill) - (fill + 1);
        x &= 0xaaaaaaaaaaaaaaaaUL >> (64 - (hash.Step * 2));
        return new GeoHashBits(x | y, hash.Step);
    }

    private static GeoHashBits MoveY(GeoHashBits hash, int direction)
    {
        var x = hash.Bits & 0xaaaaaaaaaaaaaaaaUL;
        var y = hash.Bits & 0x5555555555555555UL;
        var fill = 0xaaaaaaaaaaaaaaaaUL >> (64 - (hash.Step * 2));
        y = direction > 0 ? y + (fill + 1) : (y | fill) - (fill + 1);
        y &= 0x5555555555555555UL >> (64 - (hash.Step * 2));
        return new GeoHashBits(x | y, hash.Step);
    }

    private static ulong Spread(ulong x)
    {
        x &= 0xFFFFFFFFUL;
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFUL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x << 2)) & 0x3333333333333333UL;
        return (x | (x << 1)) & 0x5555555555555555UL;
    }

    private static ulong Compact(ulong x)
    {
        x &= 0x5555555555555555UL;
        x = (x | (x >> 1)) & 0x3333333333333333UL;
        x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FUL;
        x = (x | (x >> 4)) & 0x00FF00FF00FF00FFUL;
        x = (x | (x >> 8)) & 0x0000FFFF0000FFFFUL;
        return (x | (x >> 16)) & 0x00000000FFFFFFFFUL;
    }

    // C's (uint64_t) cast of a double as gcc compiles it on x86-64 (cvttsd2si, its "indefinite"
    // value for what does not fit); .NET saturates instead. Only scores not written by GEOADD differ.
    private static ulong ToUInt64(double value)
    {
        const double twoTo63 = 9223372036854775808.0;
        if (value < twoTo63)
        {
            return value > -twoTo63 ? unchecked((ulong)(long)value) : 0x8000000000000000UL;
        }

        var rest = value - twoTo63;
        var low = rest < twoTo63 ? unchecked((ulong)(long)rest) : 0x8000000000000000UL;
        return low ^ 0x8000000000000000UL;
    }
}
