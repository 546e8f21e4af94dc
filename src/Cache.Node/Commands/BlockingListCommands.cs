using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP: the list pops of <see cref="ListCommands"/> that wait
/// for a push when every key is empty. Each parses its timeout (BLMOVE its ends first, BLMPOP
/// its keys first, as Redis), serves at once when it can, answers as its non-blocking form
/// inside EXEC, and otherwise blocks; a woken client is served from the key that became ready,
/// and only if that key is a list now (a key deleted or turned into another type keeps it waiting).
/// </summary>
internal static class BlockingListCommands
{
    private const string Group = "list";
    private const AclCategories Category = AclCategories.List;
    private const CommandFlags Pop = CommandFlags.Write | CommandFlags.NoScript | CommandFlags.Blocking;
    private const CommandFlags Move = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.NoScript | CommandFlags.Blocking;

    public static void Register(CommandTable table)
    {
        var popKeys = CommandKeys.Of(new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete, KeyBeginSearch.AtIndex(1), KeyFindKeys.Range(-2)));
        var moveKeys = new CommandKeys([
            KeySpec.At(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete),
            KeySpec.At(2, KeySpecFlags.RW | KeySpecFlags.Insert),
        ]);
        table.Add(new("blpop", -3, Pop, BLPop, Group, "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        {
            Keys = popKeys,
            Acl = Category,
        });
        table.Add(new("brpop", -3, Pop, BRPop, Group, "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        {
            Keys = popKeys,
            Acl = Category,
        });
        table.Add(new("blmove", 6, Move, BLMove, Group, "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.")
        {
            Keys = moveKeys,
            Acl = Category,
        });
        table.Add(new("brpoplpush", 4, Move, BRPopLPush, Group, "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.")
        {
            Keys = moveKeys,
            Acl = Category,
        });
        table.Add(new("blmpop", -5, CommandFlags.Write | CommandFlags.Blocking, BLMPop, Group, "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        {
            Keys = CommandKeys.Of(new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1))),
            Acl = Category,
        });
    }

    private static void BLPop(ClientSession client, in RespRequest request) => PopOrBlock(client, request, head: true);

    private static void BRPop(ClientSession client, in RespRequest request) => PopOrBlock(client, request, head: false);

    private static void PopOrBlock(ClientSession client, in RespRequest request, bool head)
    {
        if (!BlockingTimeout.TryParse(client, request[^1], out var deadline))
        {
            return;
        }

        for (var i = 1; i < request.Count - 1; i++)
        {
            if (ListCommands.TryPopWithKey(client, request[i], head))
            {
                return;
            }
        }

        if (!client.MayBlock)
        {
            client.Reply.NullArray();
            return;
        }

        client.Block(request, 1, request.Count - 2, deadline, head ? ServeLeft : ServeRight);
    }

    private static bool ServeLeft(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key) =>
        IsList(client, key) && ListCommands.TryPopWithKey(client, key, head: true);

    private static bool ServeRight(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key) =>
        IsList(client, key) && ListCommands.TryPopWithKey(client, key, head: false);

    private static void BLMove(ClientSession client, in RespRequest request)
    {
        if (!ListCommands.TryParseEnd(client, request[3], out var fromHead) || !ListCommands.TryParseEnd(client, request[4], out var toHead))
        {
            return;
        }

        MoveOrBlock(client, request, request[5], fromHead, toHead);
    }

    private static void BRPopLPush(ClientSession client, in RespRequest request) =>
        MoveOrBlock(client, request, request[3], fromHead: false, toHead: true);

    private static void MoveOrBlock(ClientSession client, in RespRequest request, ReadOnlySpan<byte> timeout, bool fromHead, bool toHead)
    {
        if (!BlockingTimeout.TryParse(client, timeout, out var deadline))
        {
            return;
        }

        if (ListCommands.TryMove(client, request[1], request[2], fromHead, toHead))
        {
            // Served at once: BLMOVE replicates as LMOVE with its own ends (Redis' lmoveGenericCommand).
            if (request.Count == 4)
            {
                client.Feed.Rewrite(3).Arg("RPOPLPUSH"u8).Arg(request[1]).Arg(request[2]);
            }
            else
            {
                client.Feed.Rewrite(5).Arg("LMOVE"u8).Arg(request[1]).Arg(request[2]).Arg(request[3]).Arg(request[4]);
            }

            return;
        }

        if (!client.MayBlock)
        {
            // As LMOVE on an empty source: a null bulk, not the null array of a timeout.
            client.Reply.Null();
            return;
        }

        client.Block(request, 1, 1, deadline, ServeMove);
    }

    private static bool ServeMove(ClientSession client, in RespRequest request, ReadOnlySpan<byte> key)
    {
        var brpoplpush = request.Count == 4;
        var fromHead = !brpoplpush && Args.Is(request[3], "LEFT"u8);
        var toHead = brpoplpush || Args.Is(request[4], "LEFT"u8);
        if (!IsList(client, key) || !ListCommands.TryMove(client, request[1], request[2], fromHead, toHead))
        {
            return false;
        }

        PropagateMove(client, request, fromHead, toHead);
        return true;
    }

    /// <summary>A served waiter: BRPOPLPUSH replicates as RPOPLPUSH, BLMOVE as LMOVE with Redis' "left"/"right" (serveClientBlockedOnList).</summary>
    private static void PropagateMove(ClientSession client, in RespRequest request, bool fromHead, bool toHead)
    {
        if (request.Count == 4)
        {
            client.Feed.Rewrite(3).Arg("RPOPLPUSH"u8).Arg(request[1]).Arg(request[2]);
        }
        else
        {
            client.Feed.Rewrite(5).Arg("LMOVE"u8).Arg(request[1]).Arg(request[2]).Arg(fromHead ? "left"u8 : "right"u8).Arg(toHead ? "left"u8 : "right"u8);
        }
    }

    private static void BLMPop(ClientSession client, in RespRequest request)
    {
        if (!ListCommands.TryParseMultiPop(client, request, 2, out var numKeys, out var head, out var count)
            || !BlockingTimeout.TryParse(client, request[1], out var deadline))
        {
            return;
        }

        for (var i = 3; i < 3 + numKeys; i++)
        {
            if (ListCommands.TryPopRangeWithKey(client, request[i], head, count))
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
        if (!IsList(client, key))
        {
            return false;
        }

        // Parsed when the command first ran, so valid; parsing again writes nothing.
        ListCommands.TryParseMultiPop(client, request, 2, out _, out var head, out var count);
        return ListCommands.TryPopRangeWithKey(client, key, head, count);
    }

    /// <summary>A woken client is served only by a list: a key of another type keeps it waiting (Redis 7.0).</summary>
    private static bool IsList(ClientSession client, ReadOnlySpan<byte> key)
    {
        ref var entry = ref client.Keys.Lookup(key);
        return !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) && entry.Kind == ValueKind.List;
    }
}
