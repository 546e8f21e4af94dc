namespace Cache.Node.Commands;

/// <summary>
/// What a GEO search looks for: a circle of <see cref="Radius"/> or a box of <see cref="Width"/>
/// by <see cref="Height"/> around a centre, in the unit <see cref="Conversion"/> turns into
/// metres. It picks the geohash cells to scan (Redis' geohashCalculateAreasByShapeWGS84) and
/// tells whether a point is inside, with Redis' arithmetic.
/// </summary>
internal struct GeoShape
{
    private const double MercatorMax = 20037726.37;

    public double Longitude;
    public double Latitude;
    public bool IsBox;
    public double Radius;
    public double Width;
    public double Height;
    public double Conversion;

    /// <summary>
    /// Whether the point a score stands for is inside; then its coordinates and its distance
    /// from the centre in metres.
    /// </summary>
    public readonly bool Contains(double score, out double longitude, out double latitude, out double distance)
    {
        GeoHash.DecodeScore(score, out longitude, out latitude);
        distance = 0;
        if (!IsBox)
        {
            distance = GeoDistance.Between(Longitude, Latitude, longitude, latitude);
            return distance <= Radius * Conversion;
        }

        // Latitude first: it is the cheaper test.
        if (GeoDistance.AlongMeridian(latitude, Latitude) > Height * Conversion / 2)
        {
            return false;
        }

        if (GeoDistance.Between(longitude, latitude, Longitude, latitude) > Width * Conversion / 2)
        {
            return false;
        }

        distance = GeoDistance.Between(Longitude, Latitude, longitude, latitude);
        return true;
    }

    /// <summary>
    /// The cells to scan, in Redis' order (centre, N, S, E, W, NE, NW, SE, SW); cells that cannot
    /// hold a match are zero.
    /// </summary>
    public readonly void Cells(Span<GeoHashBits> cells)
    {
        var (minLongitude, minLatitude, maxLongitude, maxLatitude) = BoundingBox();
        var radius = IsBox ? Math.Sqrt((Width / 2 * (Width / 2)) + (Height / 2 * (Height / 2))) : Radius;
        radius *= Conversion;
        var steps = EstimateSteps(radius, Latitude);
        var ranges = GeoRanges.Mercator;
        GeoHash.TryEncode(ranges, Longitude, Latitude, steps, out var hash);
        var neighbors = GeoHash.Neighbors(hash);
        var area = GeoHash.Decode(ranges, hash);

        // Near a cell's edge the estimated step can be too fine for its neighbours to cover the box.
        var decrease = GeoHash.Decode(ranges, neighbors.North).LatitudeMax < maxLatitude
            || GeoHash.Decode(ranges, neighbors.South).LatitudeMin > minLatitude
            || GeoHash.Decode(ranges, neighbors.East).LongitudeMax < maxLongitude
            || GeoHash.Decode(ranges, neighbors.West).LongitudeMin > minLongitude;
        if (steps > 1 && decrease)
        {
            steps--;
            GeoHash.TryEncode(ranges, Longitude, Latitude, steps, out hash);
            neighbors = GeoHash.Neighbors(hash);
            area = GeoHash.Decode(ranges, hash);
        }

        if (steps >= 2)
        {
            if (area.LatitudeMin < minLatitude)
            {
                neighbors.South = neighbors.SouthWest = neighbors.SouthEast = default;
            }

            if (area.LatitudeMax > maxLatitude)
            {
                neighbors.North = neighbors.NorthEast = neighbors.NorthWest = default;
            }

            if (area.LongitudeMin < minLongitude)
            {
                neighbors.West = neighbors.SouthWest = neighbors.NorthWest = default;
            }

            if (area.LongitudeMax > maxLongitude)
            {
                neighbors.East = neighbors.SouthEast = neighbors.NorthEast = default;
            }
        }

        cells[0] = hash;
        cells[1] = neighbors.North;
        cells[2] = neighbors.South;
        cells[3] = neighbors.East;
        cells[4] = neighbors.West;
        cells[5] = neighbors.NorthEast;
        cells[6] = neighbors.NorthWest;
        cells[7] = neighbors.SouthEast;
        cells[8] = neighbors.SouthWest;
    }

    /// <summary>
    /// Redis' geohashBoundingBox: the longitudes widen towards the pole, so the edge nearer the
    /// pole (north in the northern hemisphere) gives the longitude bounds.
    /// </summary>
    public readonly (double MinLongitude, double MinLatitude, double MaxLongitude, double MaxLatitude) BoundingBox()
    {
        var height = Conversion * (IsBox ? Height / 2 : Radius);
        var width = Conversion * (IsBox ? Width / 2 : Radius);
        var latitudeDelta = GeoDistance.ToDegrees(height / GeoDistance.EarthRadius);
        var longitudeDeltaTop = GeoDistance.ToDegrees(width / GeoDistance.EarthRadius / Math.Cos(GeoDistance.ToRadians(Latitude + latitudeDelta)));
        var longitudeDeltaBottom = GeoDistance.ToDegrees(width / GeoDistance.EarthRadius / Math.Cos(GeoDistance.ToRadians(Latitude - latitudeDelta)));
        var delta = Latitude < 0 ? longitudeDeltaBottom : longitudeDeltaTop;
        return (Longitude - delta, Latitude - latitudeDelta, Longitude + delta, Latitude + latitudeDelta);
    }

    /// <summary>Redis' geohashEstimateStepsByRadius: the coarsest step whose cells still hold the radius, fewer near the poles.</summary>
    internal static int EstimateSteps(double meters, double latitude)
    {
        if (meters == 0)
        {
            return 26;
        }

        var step = 1;
        while (meters < MercatorMax)
        {
            meters *= 2;
            step++;
        }

        step -= 2;
        if (latitude is > 66 or < -66)
        {
            step--;
            if (latitude is > 80 or < -80)
            {
                step--;
            }
        }

        return Math.Clamp(step, 1, 26);
    }
}
