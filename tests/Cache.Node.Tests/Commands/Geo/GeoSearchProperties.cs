using System.Globalization;
using Cache.Node.Commands;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Geo;

/// <summary>
/// GEOSEARCH finds exactly what a brute-force filter over every member finds: the geohash cells
/// it scans must cover the whole circle or box. Random point clouds and queries (seeded, near
/// the equator, at mid latitudes and close to the poles, radii from metres to thousands of
/// kilometres); like Redis the search does not wrap around the antimeridian, so queries whose
/// bounding box crosses it are left out.
/// </summary>
public sealed class GeoSearchProperties : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Theory]
    [InlineData(11, 0.0)]
    [InlineData(12, 45.0)]
    [InlineData(13, -70.0)]
    [InlineData(14, 82.0)]
    [InlineData(15, -84.5)]
    public async Task Search_returns_exactly_the_brute_force_matches(int seed, double latitude)
    {
        var random = new Random(seed);
        await using var client = await _node.ConnectAsync();
        var checkedQueries = 0;
        var matched = 0;
        for (var cloud = 0; cloud < 6; cloud++)
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
            var centre = (Longitude: (random.NextDouble() * 300) - 150, Latitude: latitude);
            var spread = Math.Pow(10, (random.NextDouble() * 3) - 2);
            var add = new List<string> { "GEOADD", "pts" };
            for (var i = 0; i < 250; i++)
            {
                var (lon, lat) = Near(random, centre, spread);
                add.AddRange([Text(lon), Text(lat), $"m{i}"]);
            }

            await client.CallAsync([.. add]);
            var points = Points(RespText.Bulks(await client.CallAsync("ZRANGE", "pts", "0", "-1", "WITHSCORES")));
            for (var q = 0; q < 25; q++)
            {
                var shape = new GeoShape { Conversion = 1 };
                (shape.Longitude, shape.Latitude) = Near(random, centre, spread);
                var meters = spread * 111_000 * Math.Pow(10, (random.NextDouble() * 1.5) - 1);
                string[] query;
                if (random.Next(2) == 0)
                {
                    shape.Radius = Math.Round(meters, 2);
                    query = ["GEOSEARCH", "pts", "FROMLONLAT", Text(shape.Longitude), Text(shape.Latitude), "BYRADIUS", Text(shape.Radius), "m"];
                }
                else
                {
                    shape.IsBox = true;
                    shape.Width = Math.Round(meters, 2);
                    shape.Height = Math.Round(meters * (0.2 + (random.NextDouble() * 2)), 2);
                    query = ["GEOSEARCH", "pts", "FROMLONLAT", Text(shape.Longitude), Text(shape.Latitude), "BYBOX", Text(shape.Width), Text(shape.Height), "m"];
                }

                var (minLongitude, _, maxLongitude, _) = shape.BoundingBox();
                if (minLongitude < -180 || maxLongitude > 180)
                {
                    continue;
                }

                var expected = points.Where(p => Inside(shape, p.Longitude, p.Latitude)).Select(p => p.Member).Order(StringComparer.Ordinal).ToList();
                var found = RespText.Bulks(await client.CallAsync(query)).Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(found), $"{string.Join(' ', query)}: expected [{string.Join(' ', expected)}], found [{string.Join(' ', found)}]");
                checkedQueries++;
                matched += found.Count;
            }
        }

        // Most queries must have been checked, and found something, for the property to mean anything.
        Assert.True(checkedQueries > 100, $"only {checkedQueries} queries checked");
        Assert.True(matched > checkedQueries * 5, $"only {matched} matches over {checkedQueries} queries");
    }

    // The filter by definition, over the decoded point: a circle by great-circle distance; a box
    // by the distance along the meridian and along the point's own parallel.
    private static bool Inside(GeoShape shape, double longitude, double latitude)
    {
        if (!shape.IsBox)
        {
            return GeoDistance.Between(shape.Longitude, shape.Latitude, longitude, latitude) <= shape.Radius;
        }

        return GeoDistance.AlongMeridian(latitude, shape.Latitude) <= shape.Height / 2
            && GeoDistance.Between(longitude, latitude, shape.Longitude, latitude) <= shape.Width / 2;
    }

    private static List<(string Member, double Longitude, double Latitude)> Points(List<string> flat)
    {
        var points = new List<(string, double, double)>();
        for (var i = 0; i < flat.Count; i += 2)
        {
            GeoHash.DecodeScore(double.Parse(flat[i + 1], CultureInfo.InvariantCulture), out var longitude, out var latitude);
            points.Add((flat[i], longitude, latitude));
        }

        return points;
    }

    private static (double Longitude, double Latitude) Near(Random random, (double Longitude, double Latitude) centre, double spread)
    {
        var lon = Math.Clamp(centre.Longitude + (((random.NextDouble() * 2) - 1) * spread), -180, 180);
        var lat = Math.Clamp(centre.Latitude + (((random.NextDouble() * 2) - 1) * spread), GeoHash.LatitudeMin, GeoHash.LatitudeMax);
        return (Math.Round(lon, 7), Math.Round(lat, 7));
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
