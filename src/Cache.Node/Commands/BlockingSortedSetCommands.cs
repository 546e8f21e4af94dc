using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// BZPOPMIN BZPOPMAX BZMPOP: the sorted set pops of <see cref="SortedSetCommands"/> that wait
/// for a ZADD when every key is empty, with the same blocking rules as the list pops
/// (BLPOP and the other list pops): inside EXEC they answer a null array at once.
/// </summary>
internal static class BlockingSortedSetCommands
{
    private const string Group = "sorted_set";
    private const AclCategories Category = AclCategories.SortedSet;

    public static void Register(CommandTable table)
    {
        const CommandFlags flags = CommandFlags.Write | CommandFlags.NoScript | CommandFlags.Fast | CommandFlags.Blocking;
        var popKeys = CommandKeys.Of(new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete, KeyBeginSearch.AtIndex(1), KeyFindKeys.Range(-2)));
        table.Add(new("bzpopmin", -3, flags, BZPopMin, Group, "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
        {
            Keys = popKeys,
            Acl = Category,
        });
        table.Add(new("bzpopmax", -3, flags, BZPopMax, Group, "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.")
        {
            Keys = popKeys,
            Acl = Category,
        });
        table.Add(new("bzmpop", -5, CommandFlags.Write | CommandFlags.Blocking, BZMPop, Group, "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
        {
            Keys = CommandKeys.Of(new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1))),
            Acl = Category,
        });
    }

    private static void BZPopMin(ClientSession client, in RespRequest request) => PopOrBlock(client, request, max: false);

    private static void BZPopMax(ClientSession client, in RespRequest request) => PopOrBlock(client, request, max: true);

    private static void PopOrBlock(ClientSession client, in RespRequest request, bool max)
    {
        if (!BlockingTimeout.TryParse(client, request[^1], out var deadline))
        {
            return;
        }

        for (var i = 1; i < request.Count - 1; i++)
        {
            if (SortedSetCommands.TryPopForBlocked(client, request[i], max, count: -1))
            {
                return;
            }
        }

        if (!client.MayBlock)
        {
            client.Reply.NullArray();
            return;
        }

        client.Block(request, 1, request.Count - 2, deadline, max ? ServeMax : ServeMin);
    }

    private static bool ServeMin(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key) =>
        IsSortedSet(client, key) && SortedSetCommands.TryPopForBlocked(client, key, max: false, count: -1);

    private static bool ServeMax(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key) =>
        IsSortedSet(client, key) && SortedSetCommands.TryPopForBlocked(client, key, max: true, count: -1);

    private static void BZMPop(ClientSession client, in RespRequest request)
    {
        if (!TryParseMultiPop(client, request, out var numKeys, out var max, out var count)
            || !BlockingTimeout.TryParse(client, request[1], out var deadline))
        {
            return;
        }

        for (var i = 3; i < 3 + numKeys; i++)
        {
            if (SortedSetCommands.TryPopForBlocked(client, request[i], max, count))
            {
                return;
            }
        }

        if (!client.MayBlock)
        {
            client.Reply.NullArray();
            return;
        }

        client.Block(request, 3, numKeys, deadline, ServeMultiPop);
    }

    private static bool ServeMultiPop(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key)
    {
        if (!IsSortedSet(client, key))
        {
            return false;
        }

        // Parsed when the command first ran, so valid; parsing again writes nothing.
        TryParseMultiPop(client, request, out _, out var max, out var count);
        return SortedSetCommands.TryPopForBlocked(client, key, max, count);
    }

    /// <summary>BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count], as zmpopGenericCommand reads it; false after replying the error.</summary>
    private static bool TryParseMultiPop(ClientSession client, in RespRequest request, out int numKeys, out bool max, out long count)
    {
        numKeys = 0;
        max = false;
        count = 1;
        if (!RespNumbers.TryParseInt64(request[2], out var keys) || keys < 1)
        {
            client.Reply.Error(SortedSetErrors.NumKeysPositive);
            return false;
        }

        var whereAt = 3 + keys;
        if (whereAt >= request.Count)
        {
            client.Reply.Error(Errors.Syntax);
            return false;
        }

        numKeys = (int)keys;
        max = Args.Is(request[(int)whereAt], "MAX"u8);
        if (!max && !Args.Is(request[(int)whereAt], "MIN"u8))
        {
            client.Reply.Error(Errors.Syntax);
            return false;
        }

        var counted = false;
        for (var j = (int)whereAt + 1; j < request.Count; j++)
        {
            if (!counted && j + 1 < request.Count && Args.Is(request[j], "COUNT"u8))
            {
                if (!RespNumbers.TryParseInt64(request[++j], out count) || count < 1)
                {
                    client.Reply.Error(SortedSetErrors.CountPositive);
                    return false;
                }

                counted = true;
                continue;
            }

            client.Reply.Error(Errors.Syntax);
            return false;
        }

        return true;
    }

    /// <summary>A woken client is served only by a sorted set: a key of another type keeps it waiting (Redis 7.0).</summary>
    private static bool IsSortedSet(ClientSession client, ReadOnlySpan<byte> key)
    {
        ref var entry = ref client.Keys.Lookup(key);
        return !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) && entry.Kind == ValueKind.SortedSet;
    }
}
