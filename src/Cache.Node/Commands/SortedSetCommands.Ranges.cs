using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>ZRANGE and its older forms (ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX) and ZRANGESTORE.</summary>
internal static partial class SortedSetCommands
{
    private enum RangeKind
    {
        Auto,
        Rank,
        Score,
        Lex,
    }

    private enum RangeDirection
    {
        Auto,
        Forward,
        Reverse,
    }

    private static void RegisterRanges(CommandTable table)
    {
        const CommandFlags read = CommandFlags.ReadOnly;
        table.Add(new("zrange", -4, read, ZRange, Group, "Returns members in a sorted set within a range of indexes.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrevrange", -4, read, ZRevRange, Group, "Returns members in a sorted set within a range of indexes in reverse order.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrangebyscore", -4, read, ZRangeByScore, Group, "Returns members in a sorted set within a range of scores.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrevrangebyscore", -4, read, ZRevRangeByScore, Group, "Returns members in a sorted set within a range of scores in reverse order.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrangebylex", -4, read, ZRangeByLex, Group, "Returns members in a sorted set within a lexicographical range.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrevrangebylex", -4, read, ZRevRangeByLex, Group, "Returns members in a sorted set within a lexicographical range in reverse order.") { Keys = ReadAccess, Acl = Category });
    }

    private static void ZRange(ClientSession client, in RespRequest request) => RangeCommand(client, request, 1, RangeKind.Auto, RangeDirection.Auto);

    private static void ZRevRange(ClientSession client, in RespRequest request) => RangeCommand(client, request, 1, RangeKind.Rank, RangeDirection.Reverse);

    private static void ZRangeByScore(ClientSession client, in RespRequest request) => RangeCommand(client, request, 1, RangeKind.Score, RangeDirection.Forward);

    private static void ZRevRangeByScore(ClientSession client, in RespRequest request) => RangeCommand(client, request, 1, RangeKind.Score, RangeDirection.Reverse);

    private static void ZRangeByLex(ClientSession client, in RespRequest request) => RangeCommand(client, request, 1, RangeKind.Lex, RangeDirection.Forward);

    private static void ZRevRangeByLex(ClientSession client, in RespRequest request) => RangeCommand(client, request, 1, RangeKind.Lex, RangeDirection.Reverse);

    private static void ZRangeStore(ClientSession client, in RespRequest request) => RangeCommand(client, request, 2, RangeKind.Auto, RangeDirection.Auto);

    /// <summary>
    /// Redis' zrangeGenericCommand: <c>src min max [BYSCORE|BYLEX] [REV] [WITHSCORES] [LIMIT offset count]</c>
    /// from <paramref name="sourceAt"/>; a source at 2 means ZRANGESTORE (argument 1 the destination).
    /// </summary>
    private static void RangeCommand(ClientSession client, in RespRequest request, int sourceAt, RangeKind kind, RangeDirection direction)
    {
        var store = sourceAt == 2;
        var withScores = false;
        long offset = 0, limit = -1;
        for (var j = sourceAt + 3; j < request.Count; j++)
        {
            var argument = request[j];
            if (!store && Args.Is(argument, "WITHSCORES"u8))
            {
                withScores = true;
            }
            else if (Args.Is(argument, "LIMIT"u8) && request.Count - j - 1 >= 2)
            {
                if (!Args.TryInteger(client, request[j + 1], out offset) || !Args.TryInteger(client, request[j + 2], out limit))
                {
                    return;
                }

                j += 2;
            }
            else if (direction == RangeDirection.Auto && Args.Is(argument, "REV"u8))
            {
                direction = RangeDirection.Reverse;
            }
            else if (kind == RangeKind.Auto && Args.Is(argument, "BYLEX"u8))
            {
                kind = RangeKind.Lex;
            }
            else if (kind == RangeKind.Auto && Args.Is(argument, "BYSCORE"u8))
            {
                kind = RangeKind.Score;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        var reverse = direction == RangeDirection.Reverse;
        kind = kind == RangeKind.Auto ? RangeKind.Rank : kind;
        if (limit != -1 && kind == RangeKind.Rank)
        {
            client.Reply.Error(SortedSetErrors.LimitNeedsByScoreOrLex);
            return;
        }

        if (withScores && kind == RangeKind.Lex)
        {
            client.Reply.Error(SortedSetErrors.WithScoresByLex);
            return;
        }

        // Reversed score and lex ranges are given as max then min.
        var minAt = sourceAt + 1;
        var maxAt = sourceAt + 2;
        if (reverse && kind != RangeKind.Rank)
        {
            (minAt, maxAt) = (maxAt, minAt);
        }

        long rankStart = 0, rankEnd = 0;
        ScoreRange scores = default;
        LexRange lex = default;
        switch (kind)
        {
            case RangeKind.Rank:
                if (!Args.TryInteger(client, request[minAt], out rankStart) || !Args.TryInteger(client, request[maxAt], out rankEnd))
                {
                    return;
                }

                break;
            case RangeKind.Score:
                if (!ScoreRange.TryParse(request[minAt], request[maxAt], out scores))
                {
                    client.Reply.Error(SortedSetErrors.MinMaxNotFloat);
                    return;
                }

                break;
            default:
                if (!LexRange.TryParse(request[minAt], request[maxAt], out lex))
                {
                    client.Reply.Error(SortedSetErrors.MinMaxNotString);
                    return;
                }

                break;
        }

        if (!TryRead(client, request[sourceAt], out var set))
        {
            return;
        }

        long first = 0, count = 0;
        if (!set.IsMissing)
        {
            if (kind == RangeKind.Rank)
            {
                (first, count) = SortedSetSearch.ClampRanks(rankStart, rankEnd, set.Count);
                first = reverse ? set.Count - 1 - first : first;
            }
            else
            {
                var (start, end) = kind == RangeKind.Score ? SortedSetSearch.Find(set, scores) : SortedSetSearch.Find(set, lex);
                count = offset < 0 ? 0 : Math.Max(0, end - start - offset);
                count = limit >= 0 ? Math.Min(count, limit) : count;
                first = reverse ? end - 1 - offset : start + offset;
            }
        }

        if (store)
        {
            StoreResult(client, request[1], Collect(set, first, count, reverse), "zrangestore"u8);
            return;
        }

        WriteRange(client, set, first, count, reverse, withScores);
    }

    /// <summary>Writes <paramref name="count"/> members walking from rank <paramref name="first"/> (downwards when reversed).</summary>
    private static void WriteRange(ClientSession client, SortedSetHandle set, long first, long count, bool reverse, bool withScores)
    {
        var reply = client.Reply;
        reply.ArrayHeader((int)(withScores && !reply.IsResp3 ? count * 2 : count));
        if (count == 0)
        {
            return;
        }

        if (reverse)
        {
            for (var i = 0L; i < count; i++)
            {
                set.ReadAt(first - i, out var member, out var score);
                WriteMember(reply, member, score, withScores);
            }

            return;
        }

        var cursor = set.Cursor(first);
        for (var i = 0L; i < count && cursor.MoveNext(); i++)
        {
            WriteMember(reply, cursor.Member, cursor.Score, withScores);
        }
    }

    /// <summary>Copies a walk's members out, in ascending order (a destination is written from it).</summary>
    private static List<KeyValuePair<byte[], double>> Collect(SortedSetHandle set, long first, long count, bool reverse)
    {
        var members = new List<KeyValuePair<byte[], double>>((int)Math.Min(count, 1 << 16));
        var start = reverse ? first - count + 1 : first;
        var cursor = count > 0 ? set.Cursor(start) : default;
        for (var i = 0L; i < count && cursor.MoveNext(); i++)
        {
            members.Add(new(cursor.Member.ToArray(), cursor.Score));
        }

        return members;
    }

    /// <summary>
    /// Replaces <paramref name="destination"/> with <paramref name="members"/> (ascending, distinct),
    /// whatever it held, and replies with the count; an empty result deletes the destination.
    /// </summary>
    internal static void StoreResult(ClientSession client, ReadOnlySpan<byte> destination, List<KeyValuePair<byte[], double>> members, ReadOnlySpan<byte> eventName)
    {
        if (members.Count == 0)
        {
            if (client.Keys.Delete(destination))
            {
                client.Notify(KeyspaceEvents.Generic, "del"u8, destination);
            }

            client.Reply.Integer(0);
            return;
        }

        ref var entry = ref client.Keys.GetOrAdd(destination, out _);
        client.Keys.SortedSets.Store(ref entry, members);
        client.Keys.SetExpiry(ref entry, 0);
        client.Keys.Touch(destination);
        client.Notify(KeyspaceEvents.SortedSet, eventName, destination);
        client.Reply.Integer(members.Count);
    }
}
