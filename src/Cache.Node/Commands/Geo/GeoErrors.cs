namespace Cache.Node.Commands;

/// <summary>The GEO commands' error replies, as Redis 7.0's geo.c words them.</summary>
internal static class GeoErrors
{
    public static ReadOnlySpan<byte> UnsupportedUnit => "ERR unsupported unit provided. please use M, KM, FT, MI"u8;

    public static ReadOnlySpan<byte> NeedNumericRadius => "ERR need numeric radius"u8;

    public static ReadOnlySpan<byte> NeedNumericWidth => "ERR need numeric width"u8;

    public static ReadOnlySpan<byte> NeedNumericHeight => "ERR need numeric height"u8;

    public static ReadOnlySpan<byte> NegativeRadius => "ERR radius cannot be negative"u8;

    public static ReadOnlySpan<byte> NegativeBox => "ERR height or width cannot be negative"u8;

    public static ReadOnlySpan<byte> UndecodableMember => "ERR could not decode requested zset member"u8;

    public static ReadOnlySpan<byte> CountNotPositive => "ERR COUNT must be > 0"u8;

    public static ReadOnlySpan<byte> AnyNeedsCount => "ERR the ANY argument requires COUNT argument"u8;

    public static ReadOnlySpan<byte> SearchStoreWithOptions => "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"u8;

    public static ReadOnlySpan<byte> RadiusStoreWithOptions => "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"u8;

    public static string InvalidPair(double longitude, double latitude) =>
        $"ERR invalid longitude,latitude pair {GeoFormat.Fixed6(longitude)},{GeoFormat.Fixed6(latitude)}";

    public static string NeedsOneCenter(string command) => $"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {command}";

    public static string NeedsOneShape(string command) => $"ERR exactly one of BYRADIUS and BYBOX can be specified for {command}";
}
