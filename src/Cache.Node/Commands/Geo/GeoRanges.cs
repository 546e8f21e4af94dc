namespace Cache.Node.Commands;

/// <summary>The coordinate ranges a geohash divides: Redis' Web-Mercator ones for scores, the standard ones for GEOHASH strings.</summary>
internal readonly record struct GeoRanges(double LongitudeMin, double LongitudeMax, double LatitudeMin, double LatitudeMax)
{
    public static GeoRanges Mercator { get; } = new(GeoHash.LongitudeMin, GeoHash.LongitudeMax, GeoHash.LatitudeMin, GeoHash.LatitudeMax);

    public static GeoRanges Standard { get; } = new(-180, 180, -90, 90);
}
