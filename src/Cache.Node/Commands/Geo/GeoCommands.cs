using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The GEO commands: GEOADD GEOPOS GEODIST GEOHASH here, the searches (GEOSEARCH, GEOSEARCHSTORE,
/// GEORADIUS, GEORADIUSBYMEMBER and the _RO forms) in the other partials. As in Redis a GEO set is
/// a sorted set whose scores are 52-bit geohashes (<see cref="GeoHash"/>); the sorted-set store
/// holds it and every Z command works on it.
/// </summary>
internal static partial class GeoCommands
{
    internal const string Group = "geo";

    private const CommandFlags Read = CommandFlags.ReadOnly;
    private const CommandFlags Write = CommandFlags.Write | CommandFlags.DenyOom;

    private static readonly CommandKeys ReadAccess = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access);

    public static void Register(CommandTable table)
    {
        table.Add(new("geoadd", -5, Write, GeoAdd, Group, "Adds one or more members to a geospatial index. The key is created if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = AclCategories.Geo,
        });
        table.Add(new("geopos", -2, Read, GeoPos, Group, "Returns the longitude and latitude of members from a geospatial index.") { Keys = ReadAccess, Acl = AclCategories.Geo });
        table.Add(new("geodist", -4, Read, GeoDist, Group, "Returns the distance between two members of a geospatial index.") { Keys = ReadAccess, Acl = AclCategories.Geo });
        table.Add(new("geohash", -2, Read, GeoHashCommand, Group, "Returns members from a geospatial index as geohash strings.") { Keys = ReadAccess, Acl = AclCategories.Geo });
        RegisterSearches(table);
    }

    /// <summary>GEOADD key [NX|XX] [CH] longitude latitude member ...: Redis turns it into ZADD with geohash scores, so do we (and so does the replication stream).</summary>
    private static void GeoAdd(ClientSession client, in RespRequest request)
    {
        bool nx = false, xx = false, ch = false;
        var first = 2;
        for (; first < request.Count; first++)
        {
            var option = request[first];
            if (Args.Is(option, "NX"u8))
            {
                nx = true;
            }
            else if (Args.Is(option, "XX"u8))
            {
                xx = true;
            }
            else if (Args.Is(option, "CH"u8))
            {
                ch = true;
            }
            else
            {
                break;
            }
        }

        var elements = (request.Count - first) / 3;
        if ((request.Count - first) % 3 != 0 || (xx && nx) || elements == 0)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        // Every pair is checked before anything changes: the command does all or nothing.
        for (var i = 0; i < elements; i++)
        {
            if (!TryLongitudeLatitude(client, request[first + (i * 3)], request[first + (i * 3) + 1], out _, out _))
            {
                return;
            }
        }

        var key = request[1];
        if (!SortedSetCommands.TryFindForWrite(client, key, out var set))
        {
            return;
        }

        if (set.IsMissing && xx)
        {
            client.Reply.Integer(0);
            return;
        }

        if (set.IsMissing && !SortedSetCommands.GetOrCreate(client, key, out set))
        {
            return;
        }

        var feed = client.Feed.Rewrite(first + (elements * 2)).Arg("zadd"u8);
        for (var i = 1; i < first; i++)
        {
            feed.Arg(request[i]);
        }

        long added = 0, updated = 0;
        for (var i = 0; i < elements; i++)
        {
            TryParsePair(request[first + (i * 3)], request[first + (i * 3) + 1], out var longitude, out var latitude);
            var score = GeoHash.Score(longitude, latitude);
            var member = request[first + (i * 3) + 2];
            feed.Arg((long)score).Arg(member);
            if (set.Entry.Kind == ValueKind.SortedSet && set.TryGetScore(member, out var current))
            {
                if (!nx && !current.Equals((double)score))
                {
                    set.Set(member, score);
                    updated++;
                }
            }
            else if (!xx)
            {
                set.Set(member, score);
                added++;
            }
        }

        if (added + updated > 0 || set.Entry.Kind != ValueKind.SortedSet)
        {
            SortedSetCommands.Written(client, key, set, added + updated == 0 ? default : "zadd"u8);
        }

        client.Reply.Integer(ch ? added + updated : added);
    }

    private static void GeoPos(ClientSession client, in RespRequest request)
    {
        if (!SortedSetCommands.TryRead(client, request[1], out var set))
        {
            return;
        }

        var reply = client.Reply;
        reply.ArrayHeader(request.Count - 2);
        for (var i = 2; i < request.Count; i++)
        {
            if (!set.TryGetScore(request[i], out var score))
            {
                reply.NullArray();
                continue;
            }

            GeoHash.DecodeScore(score, out var longitude, out var latitude);
            reply.ArrayHeader(2);
            WriteCoordinate(reply, longitude);
            WriteCoordinate(reply, latitude);
        }
    }

    private static void GeoDist(ClientSession client, in RespRequest request)
    {
        var toMeters = 1.0;
        if (request.Count == 5)
        {
            if (!TryUnit(client, request[4], out toMeters))
            {
                return;
            }
        }
        else if (request.Count > 5)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        if (!SortedSetCommands.TryRead(client, request[1], out var set))
        {
            return;
        }

        if (!set.TryGetScore(request[2], out var first) || !set.TryGetScore(request[3], out var second))
        {
            client.Reply.Null();
            return;
        }

        GeoHash.DecodeScore(first, out var longitude1, out var latitude1);
        GeoHash.DecodeScore(second, out var longitude2, out var latitude2);
        WriteDistance(client.Reply, GeoDistance.Between(longitude1, latitude1, longitude2, latitude2) / toMeters);
    }

    private static void GeoHashCommand(ClientSession client, in RespRequest request)
    {
        if (!SortedSetCommands.TryRead(client, request[1], out var set))
        {
            return;
        }

        var reply = client.Reply;
        reply.ArrayHeader(request.Count - 2);
        Span<byte> text = stackalloc byte[11];
        for (var i = 2; i < request.Count; i++)
        {
            if (!set.TryGetScore(request[i], out var score))
            {
                reply.Null();
                continue;
            }

            // Scores use Redis' ±85.05 latitude range; a geohash string uses the standard ±90 one.
            GeoHash.DecodeScore(score, out var longitude, out var latitude);
            GeoHash.TryEncode(GeoRanges.Standard, longitude, latitude, GeoHash.StepMax, out var hash);
            for (var c = 0; c < 10; c++)
            {
                text[c] = "0123456789bcdefghjkmnpqrstuvwxyz"u8[(int)((hash.Bits >> (52 - ((c + 1) * 5))) & 0x1f)];
            }

            // 52 bits make ten characters; the eleventh Redis has always sent assumes zeros.
            text[10] = (byte)'0';
            reply.Bulk(text);
        }
    }

    /// <summary>Parses a longitude and a latitude; on a bad number or a point outside the GEO limits replies Redis' error.</summary>
    private static bool TryLongitudeLatitude(ClientSession client, ReadOnlySpan<byte> longitudeText, ReadOnlySpan<byte> latitudeText, out double longitude, out double latitude)
    {
        latitude = 0;
        if (!SortedSetScores.TryParse(longitudeText, out longitude) || !SortedSetScores.TryParse(latitudeText, out latitude))
        {
            client.Reply.Error(Errors.NotFloat);
            return false;
        }

        if (longitude < GeoHash.LongitudeMin || longitude > GeoHash.LongitudeMax || latitude < GeoHash.LatitudeMin || latitude > GeoHash.LatitudeMax)
        {
            client.Reply.Error(GeoErrors.InvalidPair(longitude, latitude));
            return false;
        }

        return true;
    }

    private static void TryParsePair(ReadOnlySpan<byte> longitudeText, ReadOnlySpan<byte> latitudeText, out double longitude, out double latitude)
    {
        SortedSetScores.TryParse(longitudeText, out longitude);
        SortedSetScores.TryParse(latitudeText, out latitude);
    }

    /// <summary>The metres in one <paramref name="unit"/> (m, km, ft, mi in any case); false after replying the unit error.</summary>
    private static bool TryUnit(ClientSession client, ReadOnlySpan<byte> unit, out double toMeters)
    {
        toMeters = Args.Is(unit, "M"u8) ? 1 : Args.Is(unit, "KM"u8) ? 1000 : Args.Is(unit, "FT"u8) ? 0.3048 : Args.Is(unit, "MI"u8) ? 1609.34 : -1;
        if (toMeters < 0)
        {
            client.Reply.Error(GeoErrors.UnsupportedUnit);
            return false;
        }

        return true;
    }

    /// <summary>A coordinate as addReplyHumanLongDouble sends it: a bulk string in RESP2, a double in RESP3.</summary>
    private static void WriteCoordinate(ReplyWriter reply, double value)
    {
        Span<byte> text = stackalloc byte[72];
        var length = GeoFormat.Human(value, text[1..]);
        if (!reply.IsResp3)
        {
            reply.Bulk(text.Slice(1, length));
            return;
        }

        text[0] = (byte)',';
        text[length + 1] = (byte)'\r';
        text[length + 2] = (byte)'\n';
        reply.WriteRaw(text[..(length + 3)]);
    }

    /// <summary>A distance: always a bulk string with four decimals.</summary>
    private static void WriteDistance(ReplyWriter reply, double value)
    {
        Span<byte> text = stackalloc byte[40];
        reply.Bulk(text[..GeoFormat.Distance(value, text)]);
    }
}
