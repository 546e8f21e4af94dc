using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their _RO forms: one routine,
/// Redis' georadiusGeneric, with the argument rules, error order and replies of Redis 7.0.
/// </summary>
internal static partial class GeoCommands
{
    [Flags]
    private enum SearchKind
    {
        Coordinates = 1,
        Member = 2,
        NoStore = 4,
        Search = 8,
        SearchStore = 16,
    }

    private enum SortOrder
    {
        None,
        Ascending,
        Descending,
    }

    private static void RegisterSearches(CommandTable table)
    {
        table.Add(new("geosearch", -7, Read, GeoSearch, Group, "Queries a geospatial index for members inside an area of a box or a circle.") { Keys = ReadAccess, Acl = AclCategories.Geo });
        table.Add(new("geosearchstore", -8, Write, GeoSearchStore, Group, "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.")
        {
            Keys = new CommandKeys([KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update), KeySpec.At(2, KeySpecFlags.RO | KeySpecFlags.Access)]),
            Acl = AclCategories.Geo,
        });
        table.Add(new("georadius", -6, Write, GeoRadius, Group, "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.")
        {
            Keys = RadiusKeys(6),
            Acl = AclCategories.Geo,
        });
        table.Add(new("georadius_ro", -6, Read, GeoRadiusReadOnly, Group, "Returns members from a geospatial index that are within a distance from a coordinate.") { Keys = ReadAccess, Acl = AclCategories.Geo });
        table.Add(new("georadiusbymember", -5, Write, GeoRadiusByMember, Group, "Queries a geospatial index for members within a distance from a member, optionally stores the result.")
        {
            Keys = RadiusKeys(5),
            Acl = AclCategories.Geo,
        });
        table.Add(new("georadiusbymember_ro", -5, Read, GeoRadiusByMemberReadOnly, Group, "Returns members from a geospatial index that are within a distance from a member.") { Keys = ReadAccess, Acl = AclCategories.Geo });
    }

    // The source, then a destination after STORE or STOREDIST anywhere past the fixed arguments.
    private static CommandKeys RadiusKeys(int optionsFrom) => new([
        KeySpec.At(1, KeySpecFlags.RO | KeySpecFlags.Access),
        new KeySpec(KeySpecFlags.OW | KeySpecFlags.Update, KeyBeginSearch.AfterKeyword("STORE", optionsFrom), KeyFindKeys.Range(0)),
        new KeySpec(KeySpecFlags.OW | KeySpecFlags.Update, KeyBeginSearch.AfterKeyword("STOREDIST", optionsFrom), KeyFindKeys.Range(0)),
    ]);

    private static void GeoSearch(ClientSession client, in RespRequest request) => Search(client, request, 1, SearchKind.Search);

    private static void GeoSearchStore(ClientSession client, in RespRequest request) => Search(client, request, 2, SearchKind.Search | SearchKind.SearchStore);

    private static void GeoRadius(ClientSession client, in RespRequest request) => Search(client, request, 1, SearchKind.Coordinates);

    private static void GeoRadiusReadOnly(ClientSession client, in RespRequest request) => Search(client, request, 1, SearchKind.Coordinates | SearchKind.NoStore);

    private static void GeoRadiusByMember(ClientSession client, in RespRequest request) => Search(client, request, 1, SearchKind.Member);

    private static void GeoRadiusByMemberReadOnly(ClientSession client, in RespRequest request) => Search(client, request, 1, SearchKind.Member | SearchKind.NoStore);

    private static void Search(ClientSession client, in RespRequest request, int sourceAt, SearchKind kind)
    {
        if (!SortedSetCommands.TryRead(client, request[sourceAt], out var set))
        {
            return;
        }

        var search = (kind & SearchKind.Search) != 0;
        var shape = default(GeoShape);
        var storeAt = 0;
        var storeDistance = false;
        int optionsAt;
        if ((kind & SearchKind.Coordinates) != 0)
        {
            optionsAt = 6;
            if (!TryLongitudeLatitude(client, request[2], request[3], out shape.Longitude, out shape.Latitude) || !TryRadius(client, request, 4, ref shape))
            {
                return;
            }
        }
        else if ((kind & SearchKind.Member) != 0)
        {
            // Without a source the center and radius are never read: only the options are checked.
            optionsAt = 5;
            if (!set.IsMissing && (!TryMemberCenter(client, set, request[2], ref shape) || !TryRadius(client, request, 3, ref shape)))
            {
                return;
            }
        }
        else
        {
            optionsAt = 2;
            if ((kind & SearchKind.SearchStore) != 0)
            {
                optionsAt = 3;
                storeAt = 1;
            }
        }

        bool withDistance = false, withHash = false, withCoordinates = false, any = false;
        bool fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        var sort = SortOrder.None;
        long count = 0;
        var storeOptions = (kind & (SearchKind.NoStore | SearchKind.Search)) == 0;
        for (var j = optionsAt; j < request.Count; j++)
        {
            var argument = request[j];
            var left = request.Count - j - 1;
            if (Args.Is(argument, "WITHDIST"u8))
            {
                withDistance = true;
            }
            else if (Args.Is(argument, "WITHHASH"u8))
            {
                withHash = true;
            }
            else if (Args.Is(argument, "WITHCOORD"u8))
            {
                withCoordinates = true;
            }
            else if (Args.Is(argument, "ANY"u8))
            {
                any = true;
            }
            else if (Args.Is(argument, "ASC"u8))
            {
                sort = SortOrder.Ascending;
            }
            else if (Args.Is(argument, "DESC"u8))
            {
                sort = SortOrder.Descending;
            }
            else if (Args.Is(argument, "COUNT"u8) && left >= 1)
            {
                if (!Args.TryInteger(client, request[j + 1], out count))
                {
                    return;
                }

                if (count <= 0)
                {
                    client.Reply.Error(GeoErrors.CountNotPositive);
                    return;
                }

                j++;
            }
            else if (storeOptions && left >= 1 && (Args.Is(argument, "STORE"u8) || Args.Is(argument, "STOREDIST"u8)))
            {
                storeAt = j + 1;
                storeDistance = argument.Length == 9;
                j++;
            }
            else if (Args.Is(argument, "STOREDIST"u8) && (kind & SearchKind.SearchStore) != 0)
            {
                storeDistance = true;
            }
            else if (Args.Is(argument, "FROMMEMBER"u8) && left >= 1 && search && !fromLonLat)
            {
                if (!set.IsMissing && !TryMemberCenter(client, set, request[j + 1], ref shape))
                {
                    return;
                }

                fromMember = true;
                j++;
            }
            else if (Args.Is(argument, "FROMLONLAT"u8) && left >= 2 && search && !fromMember)
            {
                if (!TryLongitudeLatitude(client, request[j + 1], request[j + 2], out shape.Longitude, out shape.Latitude))
                {
                    return;
                }

                fromLonLat = true;
                j += 2;
            }
            else if (Args.Is(argument, "BYRADIUS"u8) && left >= 2 && search && !byBox)
            {
                if (!TryRadius(client, request, j + 1, ref shape))
                {
                    return;
                }

                byRadius = true;
                j += 2;
            }
            else if (Args.Is(argument, "BYBOX"u8) && left >= 3 && search && !byRadius)
            {
                if (!TryBox(client, request, j + 1, ref shape))
                {
                    return;
                }

                byBox = true;
                j += 3;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        if (storeAt != 0 && (withDistance || withHash || withCoordinates))
        {
            client.Reply.Error((kind & SearchKind.SearchStore) != 0 ? GeoErrors.SearchStoreWithOptions : GeoErrors.RadiusStoreWithOptions);
            return;
        }

        if (search && !(fromMember || fromLonLat))
        {
            client.Reply.Error(GeoErrors.NeedsOneCenter(Args.Text(request[0])));
            return;
        }

        if (search && !(byRadius || byBox))
        {
            client.Reply.Error(GeoErrors.NeedsOneShape(Args.Text(request[0])));
            return;
        }

        if (any && count == 0)
        {
            client.Reply.Error(GeoErrors.AnyNeedsCount);
            return;
        }

        if (set.IsMissing)
        {
            if (storeAt != 0)
            {
                SortedSetCommands.StoreResult(client, request[storeAt], [], search ? "geosearchstore"u8 : "georadiusstore"u8);
            }
            else
            {
                client.Reply.ArrayHeader(0);
            }

            return;
        }

        // COUNT alone means the nearest ones: sort, unless ANY asked for whichever come first.
        if (count != 0 && sort == SortOrder.None && !any)
        {
            sort = SortOrder.Ascending;
        }

        using var matches = new GeoMatches();
        Scan(set, shape, matches, any ? count : 0);
        if (matches.Count == 0 && storeAt == 0)
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        if (sort != SortOrder.None)
        {
            matches.SortByDistance(sort == SortOrder.Descending);
        }

        var returned = count == 0 || matches.Count < count ? matches.Count : (int)count;
        if (storeAt != 0)
        {
            Store(client, request[storeAt], matches, returned, shape.Conversion, storeDistance, search);
            return;
        }

        Reply(client.Reply, matches, returned, shape.Conversion, withDistance, withHash, withCoordinates);
    }

    private static bool TryMemberCenter(ClientSession client, SortedSetHandle set, ReadOnlySpan<byte> member, ref GeoShape shape)
    {
        if (!set.TryGetScore(member, out var score))
        {
            client.Reply.Error(GeoErrors.UndecodableMember);
            return false;
        }

        GeoHash.DecodeScore(score, out shape.Longitude, out shape.Latitude);
        return true;
    }

    private static bool TryRadius(ClientSession client, in RespRequest request, int at, ref GeoShape shape)
    {
        if (!SortedSetScores.TryParse(request[at], out var radius))
        {
            client.Reply.Error(GeoErrors.NeedNumericRadius);
            return false;
        }

        if (radius < 0)
        {
            client.Reply.Error(GeoErrors.NegativeRadius);
            return false;
        }

        if (!TryUnit(client, request[at + 1], out shape.Conversion))
        {
            return false;
        }

        shape.IsBox = false;
        shape.Radius = radius;
        return true;
    }

    private static bool TryBox(ClientSession client, in RespRequest request, int at, ref GeoShape shape)
    {
        if (!SortedSetScores.TryParse(request[at], out var width))
        {
            client.Reply.Error(GeoErrors.NeedNumericWidth);
            return false;
        }

        if (!SortedSetScores.TryParse(request[at + 1], out var height))
        {
            client.Reply.Error(GeoErrors.NeedNumericHeight);
            return false;
        }

        if (height < 0 || width < 0)
        {
            client.Reply.Error(GeoErrors.NegativeBox);
            return false;
        }

        if (!TryUnit(client, request[at + 2], out shape.Conversion))
        {
            return false;
        }

        shape.IsBox = true;
        shape.Width = width;
        shape.Height = height;
        return true;
    }

    /// <summary>
    /// Redis' membersOfAllNeighbors: the nine cells in order, each a score range scanned upwards;
    /// a cell equal to the last one scanned is skipped; with a <paramref name="limit"/> (ANY) the
    /// scan stops once it has that many.
    /// </summary>
    private static void Scan(SortedSetHandle set, in GeoShape shape, GeoMatches matches, long limit)
    {
        Span<GeoHashBits> cells = stackalloc GeoHashBits[9];
        shape.Cells(cells);
        var lastScanned = 0;
        for (var i = 0; i < cells.Length; i++)
        {
            if (cells[i].IsZero || (lastScanned != 0 && cells[i] == cells[lastScanned]))
            {
                continue;
            }

            if (limit != 0 && matches.Count >= limit)
            {
                break;
            }

            var min = GeoHash.Align52(cells[i]);
            var max = GeoHash.Align52(cells[i] with { Bits = cells[i].Bits + 1 });
            var (start, end) = SortedSetSearch.Find(set, new ScoreRange(min, false, max, true));
            var cursor = set.Cursor(start);
            for (var rank = start; rank < end && cursor.MoveNext(); rank++)
            {
                if (shape.Contains(cursor.Score, out var longitude, out var latitude, out var distance))
                {
                    matches.Add(cursor.Member, longitude, latitude, distance, cursor.Score);
                }

                if (limit != 0 && matches.Count >= limit)
                {
                    break;
                }
            }

            lastScanned = i;
        }
    }

    private static void Reply(ReplyWriter reply, GeoMatches matches, int returned, double conversion, bool withDistance, bool withHash, bool withCoordinates)
    {
        var options = (withDistance ? 1 : 0) + (withHash ? 1 : 0) + (withCoordinates ? 1 : 0);
        reply.ArrayHeader(returned);
        var items = matches.Items;
        for (var i = 0; i < returned; i++)
        {
            ref readonly var match = ref items[i];
            if (options != 0)
            {
                reply.ArrayHeader(options + 1);
            }

            reply.Bulk(matches.MemberOf(match));
            if (withDistance)
            {
                WriteDistance(reply, match.Distance / conversion);
            }

            if (withHash)
            {
                reply.Integer((long)match.Score);
            }

            if (withCoordinates)
            {
                reply.ArrayHeader(2);
                WriteCoordinate(reply, match.Longitude);
                WriteCoordinate(reply, match.Latitude);
            }
        }
    }

    /// <summary>The first <paramref name="returned"/> matches become the destination sorted set, scored by geohash or (STOREDIST) by distance.</summary>
    private static void Store(ClientSession client, ReadOnlySpan<byte> destination, GeoMatches matches, int returned, double conversion, bool byDistance, bool search)
    {
        var members = new List<KeyValuePair<byte[], double>>(returned);
        var items = matches.Items;
        for (var i = 0; i < returned; i++)
        {
            ref readonly var match = ref items[i];
            members.Add(new(matches.MemberOf(match).ToArray(), byDistance ? match.Distance / conversion : match.Score));
        }

        members.Sort(static (a, b) =>
        {
            var order = a.Value.CompareTo(b.Value);
            return order != 0 ? order : a.Key.AsSpan().SequenceCompareTo(b.Key);
        });
        SortedSetCommands.StoreResult(client, destination, members, search ? "geosearchstore"u8 : "georadiusstore"u8);
    }
}
