using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// List commands: LPUSH LPOP and the rest of Redis' non-blocking list family, over the list
/// module (<see cref="ListStore"/>). A list whose last element goes is deleted, so an empty
/// list never exists. The blocking commands serve their waiters through
/// <see cref="TryPopWithKey"/>, <see cref="TryPopRangeWithKey"/> and <see cref="TryMove"/>.
/// </summary>
internal static partial class ListCommands
{
    internal const string Group = "list";
    internal const AclCategories Category = AclCategories.List;

    public static void Register(CommandTable table)
    {
        const CommandFlags push = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags pop = CommandFlags.Write | CommandFlags.Fast;
        table.Add(new("lpush", -3, push, LPush, Group, "Prepends one or more elements to a list. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("rpush", -3, push, RPush, Group, "Appends one or more elements to a list. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("lpushx", -3, push, LPushX, Group, "Prepends one or more elements to a list only when the list exists.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("rpushx", -3, push, RPushX, Group, "Appends an element to a list only when the list exists.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("lpop", -2, pop, LPop, Group, "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("rpop", -2, pop, RPop, Group, "Returns and removes the last elements of a list. Deletes the list if the last element was popped.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("llen", 2, CommandFlags.ReadOnly | CommandFlags.Fast, LLen, Group, "Returns the length of a list.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        RegisterRange(table);
        RegisterMove(table);
    }

    /// <summary>
    /// Serves a BLPOP/BRPOP waiter (or anything replying as they do): pops the head (or tail)
    /// element of <paramref name="key"/> and replies [key, element]. False, with nothing
    /// written, when the key is missing; true after replying, WRONGTYPE included. Deletes
    /// the key when it empties; the entry is stamped, so replication and WATCH see the pop.
    /// </summary>
    internal static bool TryPopWithKey(ClientSession client, ReadOnlySpan<byte> key, bool head)
    {
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (Unsafe.IsNullRef(ref entry))
        {
            return wrongType;
        }

        var element = client.Keys.Lists.Pop(ref entry, head);
        // BLPOP / BRPOP replicate as the plain pop (Redis' serveClientBlockedOnList).
        client.Feed.Rewrite(2).Arg(head ? "LPOP"u8 : "RPOP"u8).Arg(key);
        client.Reply.ArrayHeader(2);
        client.Reply.Bulk(key);
        client.Reply.Bulk(element);
        Finish(client, ref entry, key, PopEvent(head));
        return true;
    }

    /// <summary>
    /// Serves an LMPOP/BLMPOP waiter: pops up to <paramref name="count"/> (&gt;= 1) elements from
    /// the head (or tail) of <paramref name="key"/> and replies [key, [elements]]. False, with
    /// nothing written, when the key is missing; true after replying, WRONGTYPE included.
    /// </summary>
    internal static bool TryPopRangeWithKey(ClientSession client, ReadOnlySpan<byte> key, bool head, long count)
    {
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (Unsafe.IsNullRef(ref entry))
        {
            return wrongType;
        }

        // LMPOP / BLMPOP replicate as the pop with the count actually popped.
        client.Feed.Rewrite(3).Arg(head ? "LPOP"u8 : "RPOP"u8).Arg(key).Arg(Math.Min(count, client.Keys.Lists.Length(entry)));
        client.Reply.ArrayHeader(2);
        client.Reply.Bulk(key);
        PopRange(client, ref entry, key, head, count);
        return true;
    }

    /// <summary>"LEFT" or "RIGHT" (any case) as head or tail; false after replying a syntax error.</summary>
    internal static bool TryParseEnd(ClientSession client, ReadOnlySpan<byte> arg, out bool head)
    {
        head = Args.Is(arg, "LEFT"u8);
        if (head || Args.Is(arg, "RIGHT"u8))
        {
            return true;
        }

        client.Reply.Error(Errors.Syntax);
        return false;
    }

    /// <summary>
    /// The live list at <paramref name="key"/> for a write (no hit or miss counted, as Redis'
    /// lookupKeyWrite), or a null reference when missing or not a list; then
    /// <paramref name="wrongType"/> says WRONGTYPE was replied.
    /// </summary>
    internal static ref StoreEntry FindForWrite(ClientSession client, ReadOnlySpan<byte> key, out bool wrongType) =>
        ref TypedLookup.Find(client, key, ValueKind.List, forRead: false, out wrongType);

    /// <summary>As <see cref="FindForWrite"/> for a read: the hit or miss is counted.</summary>
    internal static ref StoreEntry FindForRead(ClientSession client, ReadOnlySpan<byte> key, out bool wrongType) =>
        ref TypedLookup.Find(client, key, ValueKind.List, forRead: true, out wrongType);

    /// <summary>After a write that may have removed elements: settles the key, then raises <paramref name="eventName"/> (and "del" when the list emptied).</summary>
    private static void Finish(ClientSession client, ref StoreEntry entry, ReadOnlySpan<byte> key, ReadOnlySpan<byte> eventName)
    {
        var emptied = Settle(client, ref entry, key);
        client.Notify(KeyspaceEvents.List, eventName, key);
        if (emptied)
        {
            client.Notify(KeyspaceEvents.Generic, "del"u8, key);
        }
    }

    /// <summary>Deletes the key when the list emptied (true), else tells the observers.</summary>
    private static bool Settle(ClientSession client, ref StoreEntry entry, ReadOnlySpan<byte> key)
    {
        if (client.Keys.Lists.Length(entry) == 0)
        {
            client.Keys.Delete(key);
            return true;
        }

        client.Keys.Touch(key);
        return false;
    }

    private static ReadOnlySpan<byte> PopEvent(bool head) => head ? "lpop"u8 : "rpop"u8;

    /// <summary>Replies up to <paramref name="count"/> popped elements as an array (head first, or tail first), then removes them.</summary>
    private static void PopRange(ClientSession client, ref StoreEntry entry, ReadOnlySpan<byte> key, bool head, long count)
    {
        var lists = client.Keys.Lists;
        var n = Math.Min(count, lists.Length(entry));
        client.Reply.ArrayHeader((int)n);
        if (head)
        {
            var reader = lists.Read(entry);
            for (var i = 0; i < n && reader.MoveNext(); i++)
            {
                client.Reply.Bulk(reader.Current);
            }

            lists.Trim(ref entry, n, 0);
        }
        else
        {
            var reader = lists.ReadBackwards(entry);
            for (var i = 0; i < n && reader.MoveNext(); i++)
            {
                client.Reply.Bulk(reader.Current);
            }

            lists.Trim(ref entry, 0, n);
        }

        Finish(client, ref entry, key, PopEvent(head));
    }

    private static void LPush(ClientSession client, in RespRequest request) => Push(client, request, head: true, onlyIfExists: false);

    private static void RPush(ClientSession client, in RespRequest request) => Push(client, request, head: false, onlyIfExists: false);

    private static void LPushX(ClientSession client, in RespRequest request) => Push(client, request, head: true, onlyIfExists: true);

    private static void RPushX(ClientSession client, in RespRequest request) => Push(client, request, head: false, onlyIfExists: true);

    private static void Push(ClientSession client, in RespRequest request, bool head, bool onlyIfExists)
    {
        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            if (onlyIfExists)
            {
                client.Reply.Integer(0);
                return;
            }

            entry = ref client.Keys.GetOrAdd(key, out _);
        }

        var lists = client.Keys.Lists;
        for (var i = 2; i < request.Count; i++)
        {
            lists.Push(ref entry, request[i], head, stamp: i == 2);
        }

        client.Keys.Touch(key);
        client.Notify(KeyspaceEvents.List, head ? "lpush"u8 : "rpush"u8, key);
        client.Reply.Integer(lists.Length(entry));
    }

    private static void LPop(ClientSession client, in RespRequest request) => Pop(client, request, head: true);

    private static void RPop(ClientSession client, in RespRequest request) => Pop(client, request, head: false);

    private static void Pop(ClientSession client, in RespRequest request, bool head)
    {
        if (request.Count > 3)
        {
            client.Reply.Error(head ? "ERR wrong number of arguments for 'lpop' command"u8 : "ERR wrong number of arguments for 'rpop' command"u8);
            return;
        }

        var hasCount = request.Count == 3;
        long count = 0;
        if (hasCount && (!RespNumbers.TryParseInt64(request[2], out count) || count < 0))
        {
            client.Reply.Error(ListErrors.MustBePositive);
            return;
        }

        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (Unsafe.IsNullRef(ref entry))
        {
            if (!wrongType)
            {
                if (hasCount)
                {
                    client.Reply.NullArray();
                }
                else
                {
                    client.Reply.Null();
                }
            }

            return;
        }

        if (hasCount)
        {
            if (count == 0)
            {
                client.Reply.ArrayHeader(0);
                return;
            }

            PopRange(client, ref entry, key, head, count);
            return;
        }

        client.Reply.Bulk(client.Keys.Lists.Pop(ref entry, head));
        Finish(client, ref entry, key, PopEvent(head));
    }

    private static void LLen(ClientSession client, in RespRequest request)
    {
        ref var entry = ref FindForRead(client, request[1], out var wrongType);
        if (!wrongType)
        {
            client.Reply.Integer(Unsafe.IsNullRef(ref entry) ? 0 : client.Keys.Lists.Length(entry));
        }
    }
}
