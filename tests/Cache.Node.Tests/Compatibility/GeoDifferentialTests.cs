using System.Globalization;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// The GEO commands against redis-server, byte for byte: scripted cases for every option and
/// error, then seeded random points (poles and antimeridian included) searched by many radii and
/// boxes, on packed and large sets, in RESP2 and RESP3.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class GeoDifferentialTests(DifferentialFixture redis)
{
    private static readonly string[] Basics =
    [
        "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD Sicily 13.361389 38.115556 Palermo",
        "GEOADD Sicily CH 13.361389 38.115557 Palermo 12 37 Trapani", "GEOADD Sicily NX 1 1 Palermo 2 2 new", "GEOADD Sicily XX 1 1 ghost 3 3 new",
        "GEOADD Sicily XX CH 4 4 new", "GEOADD Sicily NX XX 1 1 a", "GEOADD Sicily GT 1 1 a", "GEOADD Sicily 1 1", "GEOADD Sicily 1 1 a 2",
        "GEOADD Sicily NX CH CH", "GEOADD Sicily 200 10 bad", "GEOADD Sicily 10 86 bad", "GEOADD Sicily -180.0000001 0 bad",
        "GEOADD Sicily 1e300 0 bad", "GEOADD Sicily inf 0 bad", "GEOADD Sicily x 0 bad", "GEOADD Sicily 0 y bad", "GEOADD Sicily 1 1 ok 500 0 bad",
        "EXISTS ok", "GEOADD edges 180 85.05112878 ne -180 -85.05112878 sw 0 0 origin -0 -0 negzero 179.9999999 -85 far",
        "ZRANGE edges 0 -1 WITHSCORES", "GEOPOS edges ne sw origin negzero far nope", "GEOHASH edges ne sw origin negzero far nope",
        "GEOADD nokey XX 1 1 a", "EXISTS nokey", "ZRANGE Sicily 0 -1 WITHSCORES", "GEOPOS Sicily Palermo Catania nope", "GEOPOS nokey a b",
        "GEOPOS Sicily", "GEOHASH Sicily Palermo Catania nope", "GEOHASH nokey a", "GEOHASH Sicily", "GEODIST Sicily Palermo Catania",
        "GEODIST Sicily Palermo Catania km", "GEODIST Sicily Palermo Catania MI", "GEODIST Sicily Palermo Catania ft",
        "GEODIST Sicily Palermo Catania M", "GEODIST Sicily Palermo Catania yards", "GEODIST Sicily Palermo Catania km extra",
        "GEODIST Sicily Palermo nope", "GEODIST nokey a b", "GEODIST nokey a b parsec", "GEODIST Sicily Palermo Palermo",
        "ZADD odd -5 neg 4503599627370496 top 1e30 huge 0.5 half", "GEOPOS odd neg top huge half", "GEOHASH odd neg top huge half",
        "GEODIST odd neg top", "SET s v", "GEOADD s 1 1 a", "GEOADD s 500 1 a", "GEOPOS s a", "GEODIST s a b", "GEOHASH s a",
        "GEOSEARCH s FROMLONLAT 0 0 BYRADIUS 1 m", "GEORADIUS s 0 0 1 m", "GEORADIUSBYMEMBER s a 1 m", "GEOSEARCHSTORE d s FROMLONLAT 0 0 BYRADIUS 1 m",
        "GEOSEARCHSTORE s Sicily FROMLONLAT 15 37 BYRADIUS 200 km", "TYPE s", "ZRANGE s 0 -1 WITHSCORES",
    ];

    private static readonly string[] Searches =
    [
        "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.788135 edge2",
        "GEORADIUS Sicily 15 37 200 km", "GEORADIUS Sicily 15 37 200 km ASC", "GEORADIUS Sicily 15 37 200 km DESC WITHDIST",
        "GEORADIUS Sicily 15 37 200 km WITHCOORD WITHHASH WITHDIST", "GEORADIUS Sicily 15 37 200 km COUNT 1", "GEORADIUS Sicily 15 37 200 km COUNT 1 DESC",
        "GEORADIUS Sicily 15 37 200 km COUNT 1 ANY", "GEORADIUS Sicily 15 37 200 km ANY", "GEORADIUS Sicily 15 37 200 km COUNT 0",
        "GEORADIUS Sicily 15 37 200 km COUNT -1", "GEORADIUS Sicily 15 37 200 km COUNT x", "GEORADIUS Sicily 15 37 200 km COUNT",
        "GEORADIUS Sicily 15 37 -1 km", "GEORADIUS Sicily 15 37 x km", "GEORADIUS Sicily 15 37 200 lightyears", "GEORADIUS Sicily 200 37 200 km",
        "GEORADIUS Sicily 15 37 200 km BOGUS", "GEORADIUS Sicily 15 37 0 m", "GEORADIUS Sicily 15 37 inf km", "GEORADIUS Sicily 15 37 50000 km",
        "GEORADIUS Sicily 15 37 200 km STORE dst", "ZRANGE dst 0 -1 WITHSCORES", "GEORADIUS Sicily 15 37 200 km STOREDIST dst",
        "ZRANGE dst 0 -1 WITHSCORES", "GEORADIUS Sicily 15 37 200 mi STOREDIST dst COUNT 2 DESC", "ZRANGE dst 0 -1 WITHSCORES",
        "GEORADIUS Sicily 15 37 200 km STORE dst WITHDIST", "GEORADIUS Sicily 15 37 1 m STORE dst", "EXISTS dst", "GEORADIUS nokey 15 37 1 m STORE dst",
        "GEORADIUS nokey 15 37 1 m", "GEORADIUS nokey 200 37 1 m", "GEORADIUS Sicily 15 37 200 km STORE", "GEORADIUS_RO Sicily 15 37 200 km STORE dst",
        "GEORADIUS_RO Sicily 15 37 200 km WITHDIST ASC", "GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST", "GEORADIUSBYMEMBER Sicily nope 200 km",
        "GEORADIUSBYMEMBER Sicily Palermo -5 km", "GEORADIUSBYMEMBER nokey nope -5 km", "GEORADIUSBYMEMBER nokey nope -5 km STORE dst",
        "GEORADIUSBYMEMBER nokey nope 5 km BOGUS", "GEORADIUSBYMEMBER Sicily Palermo 500 km STORE dst ASC COUNT 2", "ZRANGE dst 0 -1 WITHSCORES",
        "GEORADIUSBYMEMBER_RO Sicily Catania 100 km WITHCOORD", "GEORADIUSBYMEMBER_RO Sicily Catania 100 km STOREDIST dst",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC", "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km WITHDIST WITHHASH",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 0 0 km",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 -1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x 1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 y km",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 parsec", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1", "GEOSEARCH Sicily FROMLONLAT 15 37",
        "GEOSEARCH Sicily BYRADIUS 10 km", "GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 10 km",
        "GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 10 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 10 km BYBOX 1 1 km",
        "geosearch Sicily FROMLONLAT 15 37 ASC", "GeoSearch Sicily BYRADIUS 1 km ASC", "GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 10 km",
        "GEOSEARCH nokey FROMMEMBER nope BYRADIUS 10 km", "GEOSEARCH nokey FROMMEMBER nope BYRADIUS -10 km", "GEOSEARCH nokey FROMLONLAT 500 0 BYRADIUS 10 km",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ANY", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 2 ANY DESC",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE dst", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS", "GEOSEARCH Sicily FROMLONLAT 15", "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km",
        "ZRANGE dst 0 -1 WITHSCORES", "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST COUNT 3", "ZRANGE dst 0 -1 WITHSCORES",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km WITHDIST", "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km STORE x",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 0 0 BYRADIUS 1 m", "EXISTS dst", "GEOSEARCHSTORE dst nokey FROMLONLAT 0 0 BYRADIUS 1 m",
        "GEOSEARCHSTORE Sicily Sicily FROMMEMBER Catania BYRADIUS 100 km STOREDIST", "ZRANGE Sicily 0 -1 WITHSCORES",
        "GEOADD dup 10 10 a 10 10 b 10 10 c 10.1 10 d", "GEOSEARCH dup FROMLONLAT 10 10 BYRADIUS 100 km ASC WITHDIST",
        "GEOSEARCH dup FROMLONLAT 10 10 BYRADIUS 100 km DESC WITHDIST", "GEOSEARCH dup FROMLONLAT 10 10 BYRADIUS 100 km COUNT 2",
    ];

    [Fact]
    public Task Adds_positions_distances_and_hashes_match_redis() => redis.AssertSameAsync(Basics);

    [Fact]
    public Task Searches_with_every_option_and_error_match_redis() => redis.AssertSameAsync(Searches);

    [Fact]
    public Task Large_sets_match_redis() => redis.AssertSameAsync(["CONFIG SET zset-max-listpack-entries 2", .. Basics, .. Searches, "CONFIG SET zset-max-listpack-entries 128"]);

    [Fact]
    public async Task Resp3_replies_match_redis()
    {
        // HELLO's own reply names the server and the connection: it is skipped.
        string[][] script = [["HELLO", "3"], .. Basics.Concat(Searches).Select(c => c.Split(' '))];
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        for (var i = 1; i < script.Length; i++)
        {
            Assert.True(theirs[i] == ours[i], $"{string.Join(' ', script[i])}: redis {theirs[i]} ours {ours[i]}");
        }
    }

    [Theory]
    [InlineData(1, 0.0, 0.0, 180.0)]
    [InlineData(2, 0.0, 70.0, 20.0)]
    [InlineData(3, 0.0, 84.0, 180.0)]
    [InlineData(4, 179.5, 0.0, 3.0)]
    [InlineData(5, -179.9, -60.0, 1.0)]
    [InlineData(6, 0.0, -84.9, 180.0)]
    public Task Random_points_searched_by_many_radii_and_boxes_match_redis(int seed, double longitude, double latitude, double spread) =>
        redis.AssertSameAsync(RandomScript(new Random(seed), longitude, latitude, spread));

    [Fact]
    public Task Random_points_in_a_large_set_match_redis() =>
        redis.AssertSameAsync([["CONFIG", "SET", "zset-max-listpack-entries", "4"], .. RandomScript(new Random(7), 0, 50, 30), ["CONFIG", "SET", "zset-max-listpack-entries", "128"]]);

    /// <summary>
    /// 300 points scattered within <paramref name="spread"/> degrees of a centre (wrapped at the
    /// antimeridian, clamped at the GEO latitude limits), then searches around points near it.
    /// </summary>
    internal static string[][] RandomScript(Random random, double longitude, double latitude, double spread)
    {
        var script = new List<string[]>();
        var add = new List<string> { "GEOADD", "pts" };
        for (var i = 0; i < 300; i++)
        {
            var (lon, lat) = Near(random, longitude, latitude, spread);
            add.AddRange([Text(lon), Text(lat), $"p{i}"]);
        }

        script.Add([.. add]);
        string[] units = ["m", "km", "ft", "mi"];
        for (var i = 0; i < 40; i++)
        {
            var (lon, lat) = Near(random, longitude, latitude, spread);
            var unit = units[random.Next(units.Length)];
            var toMeters = unit switch { "km" => 1000, "ft" => 0.3048, "mi" => 1609.34, _ => 1 };
            var size = Text(Math.Round(Math.Pow(10, random.NextDouble() * 7.3) / toMeters, 3));
            var height = Text(Math.Round(Math.Pow(10, random.NextDouble() * 7.3) / toMeters, 3));
            script.Add(["GEOSEARCH", "pts", "FROMLONLAT", Text(lon), Text(lat), "BYRADIUS", size, unit, "WITHDIST", "WITHHASH", "WITHCOORD"]);
            script.Add(["GEOSEARCH", "pts", "FROMLONLAT", Text(lon), Text(lat), "BYBOX", size, height, unit, "WITHDIST", "ASC"]);
            script.Add(["GEORADIUS", "pts", Text(lon), Text(lat), size, unit, "DESC", "COUNT", "5"]);
            script.Add(["GEORADIUSBYMEMBER", "pts", $"p{random.Next(300)}", size, unit, "WITHCOORD", "COUNT", "3", "ANY"]);
            if (i % 8 == 0)
            {
                script.Add(["GEOSEARCHSTORE", "dst", "pts", "FROMMEMBER", $"p{random.Next(300)}", "BYBOX", size, height, unit, "STOREDIST"]);
                script.Add(["ZRANGE", "dst", "0", "-1", "WITHSCORES"]);
            }
        }

        script.Add(["GEOHASH", "pts", "p0", "p1", "p2", "p3", "p299"]);
        script.Add(["GEOPOS", "pts", "p0", "p1", "p2", "p3", "p299"]);
        script.Add(["GEODIST", "pts", "p0", "p299", "km"]);
        return [.. script];
    }

    private static (double Longitude, double Latitude) Near(Random random, double longitude, double latitude, double spread)
    {
        var lon = longitude + ((random.NextDouble() * 2) - 1) * spread;
        lon = lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon;
        var lat = Math.Clamp(latitude + ((random.NextDouble() * 2) - 1) * spread / 2, -85.05, 85.05);
        return (Math.Round(lon, 6), Math.Round(lat, 6));
    }

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
