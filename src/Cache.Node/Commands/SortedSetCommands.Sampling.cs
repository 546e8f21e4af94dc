using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>ZRANDMEMBER and ZSCAN.</summary>
internal static partial class SortedSetCommands
{

    private static void RegisterSampling(CommandTable table)
    {
        table.Add(new("zrandmember", -2, CommandFlags.ReadOnly, ZRandMember, Group, "Returns one or more random members from a sorted set.")
        {
            Keys = ReadAccess,
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
        table.Add(new("zscan", -3, CommandFlags.ReadOnly, ZScan, Group, "Iterates over members and scores of a sorted set.")
        {
            Keys = ReadAccess,
            Acl = Category,
            Tips = ["nondeterministic_output"],
        });
    }

    private static void ZRandMember(ClientSession client, in RespRequest request)
    {
        var random = client.Server.Random;
        if (request.Count == 2)
        {
            if (TryRead(client, request[1], out var single))
            {
                if (single.IsMissing)
                {
                    client.Reply.Null();
                    return;
                }

                single.ReadAt(random.NextInt64(single.Count), out var member, out _);
                client.Reply.Bulk(member);
            }

            return;
        }

        if (!Args.TryInteger(client, request[2], out var count))
        {
            return;
        }

        if (count == long.MinValue)
        {
            client.Reply.Error(HashErrors.CountOutOfRange);
            return;
        }

        var withScores = request.Count == 4 && Args.Is(request[3], "WITHSCORES"u8);
        if (request.Count > 4 || (request.Count == 4 && !withScores))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        if (withScores && (count < -(long.MaxValue / 2) || count > long.MaxValue / 2))
        {
            client.Reply.Error(SortedSetErrors.OutOfRange);
            return;
        }

        if (!TryRead(client, request[1], out var set))
        {
            return;
        }

        var reply = client.Reply;
        if (set.IsMissing || count == 0)
        {
            reply.ArrayHeader(0);
            return;
        }

        var size = set.Count;
        if (count < 0)
        {
            // Repeats allowed: each pick samples the whole set.
            var picks = -count;
            reply.ArrayHeader((int)(withScores && !reply.IsResp3 ? picks * 2 : picks));
            for (var i = 0L; i < picks; i++)
            {
                set.ReadAt(random.NextInt64(size), out var member, out var score);
                WriteMember(reply, member, score, withScores);
            }

            return;
        }

        var take = (int)Math.Min(count, size);
        reply.ArrayHeader(withScores && !reply.IsResp3 ? take * 2 : take);
        if (take == size)
        {
            var cursor = set.Cursor(0);
            while (cursor.MoveNext())
            {
                WriteMember(reply, cursor.Member, cursor.Score, withScores);
            }

            return;
        }

        foreach (var rank in DistinctRanks(random, size, take))
        {
            set.ReadAt(rank, out var member, out var score);
            WriteMember(reply, member, score, withScores);
        }
    }

    /// <summary><paramref name="take"/> distinct ranks below <paramref name="size"/>, in random order.</summary>
    private static IEnumerable<long> DistinctRanks(Random random, int size, int take)
    {
        if ((long)take * 3 > size)
        {
            // A partial Fisher-Yates shuffle of every rank.
            var ranks = new int[size];
            for (var i = 0; i < size; i++)
            {
                ranks[i] = i;
            }

            for (var i = 0; i < take; i++)
            {
                var j = random.Next(i, size);
                (ranks[i], ranks[j]) = (ranks[j], ranks[i]);
            }

            return ranks.Take(take).Select(r => (long)r);
        }

        var chosen = new HashSet<long>();
        var order = new List<long>(take);
        while (order.Count < take)
        {
            var rank = random.NextInt64(size);
            if (chosen.Add(rank))
            {
                order.Add(rank);
            }
        }

        return order;
    }

    /// <summary>
    /// ZSCAN key cursor [MATCH pattern] [COUNT count]. A packed set answers whole with cursor 0
    /// (as Redis does for a listpack); a large one walks ranks, the cursor being the next rank.
    /// </summary>
    private static void ZScan(ClientSession client, in RespRequest request)
    {
        if (!ScanArguments.TryParseCursor(request[2], out var cursor))
        {
            client.Reply.Error(HashErrors.InvalidCursor);
            return;
        }

        if (!TryRead(client, request[1], out var set))
        {
            return;
        }

        if (set.IsMissing)
        {
            client.Reply.WriteRaw("*2\r\n$1\r\n0\r\n*0\r\n"u8);
            return;
        }

        if (!ScanArguments.TryParseOptions(client, request, out var count, out var patternAt))
        {
            return;
        }

        var pattern = patternAt > 0 ? request[patternAt] : ReadOnlySpan<byte>.Empty;
        var usePattern = patternAt > 0 && !(pattern.Length == 1 && pattern[0] == (byte)'*');

        var length = set.Count;
        var start = set.IsPacked ? 0 : (long)Math.Min(cursor, (ulong)length);
        var end = set.IsPacked ? length : Math.Min(length, start + count);
        var found = new List<long>();
        var walk = set.Cursor(start);
        for (var rank = start; rank < end && walk.MoveNext(); rank++)
        {
            if (!usePattern || Glob.IsMatch(pattern, walk.Member))
            {
                found.Add(rank);
            }
        }

        var reply = client.Reply;
        reply.ArrayHeader(2);
        reply.BulkInteger(end < length ? end : 0);
        reply.ArrayHeader(found.Count * 2);
        Span<byte> text = stackalloc byte[64];
        foreach (var rank in found)
        {
            set.ReadAt(rank, out var member, out var score);
            reply.Bulk(member);
            reply.Bulk(text[..RespNumbers.FormatDouble(score, text)]);
        }
    }
}
