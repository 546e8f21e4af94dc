using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>ZPOPMIN ZPOPMAX ZMPOP, and the pop the blocking commands (BZPOPMIN BZPOPMAX BZMPOP) serve a woken client with.</summary>
internal static partial class SortedSetCommands
{
    private static void RegisterPops(CommandTable table)
    {
        var popKeys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete);
        table.Add(new("zpopmin", -2, CommandFlags.Write | CommandFlags.Fast, ZPopMin, Group, "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.")
        {
            Keys = popKeys,
            Acl = Category,
        });
        table.Add(new("zpopmax", -2, CommandFlags.Write | CommandFlags.Fast, ZPopMax, Group, "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.")
        {
            Keys = popKeys,
            Acl = Category,
        });
        table.Add(new("zmpop", -4, CommandFlags.Write, ZMPop, Group, "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.")
        {
            Keys = new CommandKeys([new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete, KeyBeginSearch.AtIndex(1), KeyFindKeys.KeyNum(0, 1))]),
            Acl = Category,
        });
    }

    /// <summary>
    /// For BZPOPMIN / BZPOPMAX / BZMPOP: pops from <paramref name="key"/>'s sorted set, the lowest
    /// (or, with <paramref name="max"/>, highest) members, and writes the reply. With
    /// <paramref name="count"/> &lt; 0 it pops one and replies in BZPOPMIN's shape
    /// <c>[key, member, score]</c>; otherwise up to <paramref name="count"/> in BZMPOP's shape
    /// <c>[key, [[member, score], ...]]</c>. Returns false, having written nothing, when the key is
    /// missing (a sorted set is never empty); a key of another type replies WRONGTYPE and returns true.
    /// The key is deleted when its last member goes; the caller holds the key-space lock.
    /// </summary>
    internal static bool TryPopForBlocked(ClientSession client, ReadOnlySpan<byte> key, bool max, long count)
    {
        if (!TryFindForWrite(client, key, out var set))
        {
            return true;
        }

        if (set.IsMissing || set.Count == 0)
        {
            return false;
        }

        // BZPOPMIN/BZPOPMAX replicate as ZPOPMIN/ZPOPMAX key, BZMPOP as ZPOPMIN/ZPOPMAX key taken.
        var pop = max ? "ZPOPMAX"u8 : "ZPOPMIN"u8;
        if (count < 0)
        {
            client.Feed.Rewrite(2).Arg(pop).Arg(key);
        }
        else
        {
            client.Feed.Rewrite(3).Arg(pop).Arg(key).Arg(Math.Min(count, set.Count));
        }

        Pop(client, key, set, max, count < 0 ? 1 : count, withKey: true, nested: count >= 0);
        return true;
    }

    private static void ZPopMin(ClientSession client, in RespRequest request) => PopCommand(client, request, max: false);

    private static void ZPopMax(ClientSession client, in RespRequest request) => PopCommand(client, request, max: true);

    private static void PopCommand(ClientSession client, in RespRequest request, bool max)
    {
        if (request.Count > 3)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        long count = -1;
        if (request.Count == 3 && (!RespNumbers.TryParseInt64(request[2], out count) || count < 0))
        {
            client.Reply.Error(SortedSetErrors.MustBePositive);
            return;
        }

        var key = request[1];
        if (!TryFindForWrite(client, key, out var set))
        {
            return;
        }

        if (set.IsMissing || count == 0)
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        Pop(client, key, set, max, count < 0 ? 1 : count, withKey: false, nested: count >= 0 && client.Reply.IsResp3);
    }

    private static void ZMPop(ClientSession client, in RespRequest request)
    {
        if (!RespNumbers.TryParseInt64(request[1], out var keyCount) || keyCount < 1)
        {
            client.Reply.Error(SortedSetErrors.NumKeysPositive);
            return;
        }

        if (keyCount >= request.Count - 2)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        var whereAt = 2 + keyCount;

        bool max;
        if (Args.Is(request[(int)whereAt], "MIN"u8))
        {
            max = false;
        }
        else if (Args.Is(request[(int)whereAt], "MAX"u8))
        {
            max = true;
        }
        else
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        long count = -1;
        for (var j = (int)whereAt + 1; j < request.Count; j++)
        {
            if (count == -1 && Args.Is(request[j], "COUNT"u8) && j + 1 < request.Count)
            {
                j++;
                if (!RespNumbers.TryParseInt64(request[j], out count) || count < 1)
                {
                    client.Reply.Error(SortedSetErrors.CountPositive);
                    return;
                }
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        for (var i = 2; i < whereAt; i++)
        {
            var key = request[i];
            if (!TryFindForWrite(client, key, out var set))
            {
                return;
            }

            if (!set.IsMissing)
            {
                // ZMPOP replicates as ZPOPMIN/ZPOPMAX key taken.
                client.Feed.Rewrite(3).Arg(max ? "ZPOPMAX"u8 : "ZPOPMIN"u8).Arg(key).Arg(Math.Min(count < 0 ? 1 : count, set.Count));
                Pop(client, key, set, max, count < 0 ? 1 : count, withKey: true, nested: true);
                return;
            }
        }

        client.Reply.NullArray();
    }

    /// <summary>Pops up to <paramref name="count"/> members (the set is not empty) and writes the reply in the shape asked for.</summary>
    private static void Pop(ClientSession client, ReadOnlySpan<byte> key, SortedSetHandle set, bool max, long count, bool withKey, bool nested)
    {
        var reply = client.Reply;
        var length = set.Count;
        var taken = (int)Math.Min(count, length);
        if (withKey && nested)
        {
            reply.ArrayHeader(2);
            reply.Bulk(key);
            reply.ArrayHeader(taken);
        }
        else if (withKey)
        {
            reply.ArrayHeader((taken * 2) + 1);
            reply.Bulk(key);
        }
        else
        {
            reply.ArrayHeader(nested ? taken : taken * 2);
        }

        // Reply first, then remove: the members' spans die with the removal.
        for (var i = 0; i < taken; i++)
        {
            set.ReadAt(max ? length - 1 - i : i, out var member, out var score);
            if (nested)
            {
                reply.ArrayHeader(2);
            }

            reply.Bulk(member);
            reply.Double(score);
        }

        set.RemoveRange(max ? length - taken : 0, taken);
        Written(client, key, set, max ? "zpopmax"u8 : "zpopmin"u8);
    }
}
