namespace Cache.Node.Commands;

/// <summary>
/// Great-circle distances in metres, as Redis 7.0's geohash_helper.c computes them (haversine
/// on a sphere of 6372797.560856 m, the same operations in the same order, so the same doubles).
/// </summary>
internal static class GeoDistance
{
    public const double EarthRadius = 6372797.560856;

    private const double DegreesToRadians = Math.PI / 180.0;

    public static double ToRadians(double degrees) => degrees * DegreesToRadians;

    public static double ToDegrees(double radians) => radians / DegreesToRadians;

    /// <summary>The distance between two points given longitude first.</summary>
    public static double Between(double longitude1, double latitude1, double longitude2, double latitude2)
    {
        var lon1 = ToRadians(longitude1);
        var lon2 = ToRadians(longitude2);
        var v = Math.Sin((lon2 - lon1) / 2);
        if (v == 0.0)
        {
            // Same meridian: the haversine reduces to the latitude difference (Redis takes this shortcut too).
            return AlongMeridian(latitude1, latitude2);
        }

        var lat1 = ToRadians(latitude1);
        var lat2 = ToRadians(latitude2);
        var u = Math.Sin((lat2 - lat1) / 2);
        var a = (u * u) + (Math.Cos(lat1) * Math.Cos(lat2) * v * v);
        return 2.0 * EarthRadius * Math.Asin(Math.Sqrt(a));
    }

    /// <summary>The distance between two latitudes along a meridian.</summary>
    public static double AlongMeridian(double latitude1, double latitude2) =>
        EarthRadius * Math.Abs(ToRadians(latitude2) - ToRadians(latitude1));
}
