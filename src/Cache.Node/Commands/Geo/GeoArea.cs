namespace Cache.Node.Commands;

/// <summary>The longitude and latitude bounds of a geohash cell.</summary>
internal readonly record struct GeoArea(double LongitudeMin, double LongitudeMax, double LatitudeMin, double LatitudeMax);
