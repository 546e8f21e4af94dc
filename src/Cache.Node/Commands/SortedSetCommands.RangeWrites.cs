using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>ZRANGESTORE, ZCOUNT, ZLEXCOUNT and the range removals ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX.</summary>
internal static partial class SortedSetCommands
{
    private static void RegisterRangeStores(CommandTable table)
    {
        table.Add(new("zrangestore", -5, CommandFlags.Write | CommandFlags.DenyOom, ZRangeStore, Group, "Stores a range of members from sorted set in a key.")
        {
            Keys = new CommandKeys([KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update), KeySpec.At(2, KeySpecFlags.RO | KeySpecFlags.Access)]),
            Acl = Category,
        });
        table.Add(new("zcount", 4, FastRead, ZCount, Group, "Returns the count of members in a sorted set that have scores within a range.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zlexcount", 4, FastRead, ZLexCount, Group, "Returns the number of members in a sorted set within a lexicographical range.") { Keys = ReadAccess, Acl = Category });
        var removeKeys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete);
        table.Add(new("zremrangebyrank", 4, CommandFlags.Write, ZRemRangeByRank, Group, "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.") { Keys = removeKeys, Acl = Category });
        table.Add(new("zremrangebyscore", 4, CommandFlags.Write, ZRemRangeByScore, Group, "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.") { Keys = removeKeys, Acl = Category });
        table.Add(new("zremrangebylex", 4, CommandFlags.Write, ZRemRangeByLex, Group, "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.") { Keys = removeKeys, Acl = Category });
    }

    private static void ZCount(ClientSession client, in RespRequest request)
    {
        if (!ScoreRange.TryParse(request[2], request[3], out var range))
        {
            client.Reply.Error(SortedSetErrors.MinMaxNotFloat);
            return;
        }

        if (TryRead(client, request[1], out var set))
        {
            var (start, end) = set.IsMissing ? (0, 0) : SortedSetSearch.Find(set, range);
            client.Reply.Integer(end - start);
        }
    }

    private static void ZLexCount(ClientSession client, in RespRequest request)
    {
        if (!LexRange.TryParse(request[2], request[3], out var range))
        {
            client.Reply.Error(SortedSetErrors.MinMaxNotString);
            return;
        }

        if (TryRead(client, request[1], out var set))
        {
            var (start, end) = set.IsMissing ? (0, 0) : SortedSetSearch.Find(set, range);
            client.Reply.Integer(end - start);
        }
    }

    private static void ZRemRangeByRank(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var start) || !Args.TryInteger(client, request[3], out var end))
        {
            return;
        }

        var key = request[1];
        if (!TryFindForWrite(client, key, out var set))
        {
            return;
        }

        var (first, count) = set.IsMissing ? (0, 0) : SortedSetSearch.ClampRanks(start, end, set.Count);
        RemoveRanks(client, key, set, first, count, "zremrangebyrank"u8);
    }

    private static void ZRemRangeByScore(ClientSession client, in RespRequest request)
    {
        if (!ScoreRange.TryParse(request[2], request[3], out var range))
        {
            client.Reply.Error(SortedSetErrors.MinMaxNotFloat);
            return;
        }

        var key = request[1];
        if (!TryFindForWrite(client, key, out var set))
        {
            return;
        }

        var (first, end) = set.IsMissing ? (0, 0) : SortedSetSearch.Find(set, range);
        RemoveRanks(client, key, set, first, end - first, "zremrangebyscore"u8);
    }

    private static void ZRemRangeByLex(ClientSession client, in RespRequest request)
    {
        if (!LexRange.TryParse(request[2], request[3], out var range))
        {
            client.Reply.Error(SortedSetErrors.MinMaxNotString);
            return;
        }

        var key = request[1];
        if (!TryFindForWrite(client, key, out var set))
        {
            return;
        }

        var (first, end) = set.IsMissing ? (0, 0) : SortedSetSearch.Find(set, range);
        RemoveRanks(client, key, set, first, end - first, "zremrangebylex"u8);
    }

    private static void RemoveRanks(ClientSession client, ReadOnlySpan<byte> key, SortedSetHandle set, long first, long count, ReadOnlySpan<byte> eventName)
    {
        if (count > 0)
        {
            set.RemoveRange(first, count);
            Written(client, key, set, eventName);
        }

        client.Reply.Integer(count);
    }
}
