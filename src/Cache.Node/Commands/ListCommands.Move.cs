using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>List commands over two keys or several: LMOVE RPOPLPUSH LMPOP.</summary>
internal static partial class ListCommands
{
    private static void RegisterMove(CommandTable table)
    {
        var moveKeys = new CommandKeys([
            KeySpec.At(1, KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete),
            KeySpec.At(2, KeySpecFlags.RW | KeySpecFlags.Insert),
        ]);
        table.Add(new("lmove", 5, CommandFlags.Write | CommandFlags.DenyOom, LMove, Group, "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.")
        {
            Keys = moveKeys,
            Acl = Category,
        });
        table.Add(new("rpoplpush", 3, CommandFlags.Write | CommandFlags.DenyOom, RPopLPush, Group, "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.")
        {
            Keys = moveKeys,
            Acl = Category,
        });
        table.Add(new("lmpop", -4, CommandFlags.Write, LMPop, Group, "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.")
        {
            Keys = CommandKeys.Of(new KeySpec(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete, KeyBeginSearch.AtIndex(1), KeyFindKeys.KeyNum(0, 1))),
            Acl = Category,
        });
    }

    /// <summary>
    /// Serves LMOVE/RPOPLPUSH and a BLMOVE/BRPOPLPUSH waiter: pops the head (or tail) of
    /// <paramref name="source"/>, pushes it at the head (or tail) of <paramref name="destination"/>
    /// (created when missing; the same key rotates) and replies the element. False, with nothing
    /// written, when the source is missing; true after replying, WRONGTYPE of either key included.
    /// </summary>
    internal static bool TryMove(ClientSession client, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, bool fromHead, bool toHead)
    {
        ref var from = ref FindForWrite(client, source, out var wrongType);
        if (Unsafe.IsNullRef(ref from))
        {
            return wrongType;
        }

        ref var target = ref FindForWrite(client, destination, out wrongType);
        if (wrongType)
        {
            return true;
        }

        // A lookup never grows the table, so the source's reference still holds here.
        var lists = client.Keys.Lists;
        var element = lists.Pop(ref from, fromHead);
        var sameKey = source.SequenceEqual(destination);
        var emptied = !sameKey && Settle(client, ref from, source);
        target = ref client.Keys.GetOrAdd(destination, out _);
        lists.Push(ref target, element, toHead);
        client.Keys.Touch(destination);

        // Redis' order: the push on the destination, the pop on the source, then its deletion.
        client.Notify(KeyspaceEvents.List, toHead ? "lpush"u8 : "rpush"u8, destination);
        client.Notify(KeyspaceEvents.List, PopEvent(fromHead), source);
        if (emptied)
        {
            client.Notify(KeyspaceEvents.Generic, "del"u8, source);
        }

        client.Reply.Bulk(element);
        return true;
    }

    /// <summary>
    /// Parses the tail of LMPOP/BLMPOP from the numkeys argument at <paramref name="numKeysIndex"/>:
    /// numkeys, the keys, LEFT|RIGHT, [COUNT count]. False after replying Redis' error. The keys
    /// are arguments numKeysIndex + 1 to numKeysIndex + numKeys.
    /// </summary>
    internal static bool TryParseMultiPop(ClientSession client, in RespRequest request, int numKeysIndex, out int numKeys, out bool head, out long count)
    {
        numKeys = 0;
        head = false;
        count = 1;
        if (!RespNumbers.TryParseInt64(request[numKeysIndex], out var keys) || keys < 1)
        {
            client.Reply.Error(ListErrors.NumKeys);
            return false;
        }

        var whereIndex = numKeysIndex + keys + 1;
        if (whereIndex >= request.Count)
        {
            client.Reply.Error(Errors.Syntax);
            return false;
        }

        numKeys = (int)keys;
        if (!TryParseEnd(client, request[(int)whereIndex], out head))
        {
            return false;
        }

        var counted = false;
        for (var i = (int)whereIndex + 1; i < request.Count; i++)
        {
            if (!counted && i + 1 < request.Count && Args.Is(request[i], "COUNT"u8))
            {
                if (!RespNumbers.TryParseInt64(request[++i], out count) || count < 1)
                {
                    client.Reply.Error(ListErrors.CountNotPositive);
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

    private static void LMove(ClientSession client, in RespRequest request)
    {
        if (!TryParseEnd(client, request[3], out var fromHead) || !TryParseEnd(client, request[4], out var toHead))
        {
            return;
        }

        if (!TryMove(client, request[1], request[2], fromHead, toHead))
        {
            client.Reply.Null();
        }
    }

    private static void RPopLPush(ClientSession client, in RespRequest request)
    {
        if (!TryMove(client, request[1], request[2], fromHead: false, toHead: true))
        {
            client.Reply.Null();
        }
    }

    private static void LMPop(ClientSession client, in RespRequest request)
    {
        if (!TryParseMultiPop(client, request, 1, out var numKeys, out var head, out var count))
        {
            return;
        }

        for (var i = 2; i < 2 + numKeys; i++)
        {
            if (TryPopRangeWithKey(client, request[i], head, count))
            {
                return;
            }
        }

        client.Reply.NullArray();
    }
}
