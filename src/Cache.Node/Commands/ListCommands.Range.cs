using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>List commands by index and by value: LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS.</summary>
internal static partial class ListCommands
{
    private static void RegisterRange(CommandTable table)
    {
        table.Add(new("lrange", 4, CommandFlags.ReadOnly, LRange, Group, "Returns a range of elements from a list.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("lindex", 3, CommandFlags.ReadOnly, LIndex, Group, "Returns an element from a list by its index.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
        table.Add(new("lset", 4, CommandFlags.Write | CommandFlags.DenyOom, LSet, Group, "Sets the value of an element in a list by its index.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("linsert", 5, CommandFlags.Write | CommandFlags.DenyOom, LInsert, Group, "Inserts an element before or after another element in a list.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Insert),
            Acl = Category,
        });
        table.Add(new("lrem", 4, CommandFlags.Write, LRem, Group, "Removes elements from a list. Deletes the list if the last element was removed.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("ltrim", 4, CommandFlags.Write, LTrim, Group, "Removes elements from both ends a list. Deletes the list if all elements were trimmed.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
        });
        table.Add(new("lpos", -3, CommandFlags.ReadOnly, LPos, Group, "Returns the index of matching elements in a list.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access),
            Acl = Category,
        });
    }

    /// <summary>Redis' range rule (LRANGE, LTRIM): negative indices from the end, clamped; false when the range is empty.</summary>
    private static bool TryClampRange(long start, long end, long length, out long first, out long last)
    {
        if (start < 0)
        {
            start = length + start;
        }

        if (end < 0)
        {
            end = length + end;
        }

        if (start < 0)
        {
            start = 0;
        }

        first = start;
        last = Math.Min(end, length - 1);
        return start <= end && start < length;
    }

    private static void LRange(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var start) || !Args.TryInteger(client, request[3], out var end))
        {
            return;
        }

        ref var entry = ref FindForRead(client, request[1], out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry) || !TryClampRange(start, end, client.Keys.Lists.Length(entry), out var first, out var last))
        {
            client.Reply.ArrayHeader(0);
            return;
        }

        var n = last - first + 1;
        client.Reply.ArrayHeader((int)n);
        var reader = client.Keys.Lists.Read(entry, first);
        for (var i = 0; i < n && reader.MoveNext(); i++)
        {
            client.Reply.Bulk(reader.Current);
        }
    }

    private static void LIndex(ClientSession client, in RespRequest request)
    {
        ref var entry = ref FindForRead(client, request[1], out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Null();
            return;
        }

        if (!Args.TryInteger(client, request[2], out var index))
        {
            return;
        }

        var length = client.Keys.Lists.Length(entry);
        if (index < 0)
        {
            index += length;
        }

        if (index < 0 || index >= length)
        {
            client.Reply.Null();
            return;
        }

        client.Reply.Bulk(client.Keys.Lists.Get(entry, index));
    }

    private static void LSet(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Error(Errors.NoSuchKey);
            return;
        }

        if (!Args.TryInteger(client, request[2], out var index))
        {
            return;
        }

        var length = client.Keys.Lists.Length(entry);
        if (index < 0)
        {
            index += length;
        }

        if (index < 0 || index >= length)
        {
            client.Reply.Error(Errors.OutOfRange);
            return;
        }

        client.Keys.Lists.Set(ref entry, index, request[3]);
        client.Keys.Touch(key);
        client.Notify(KeyspaceEvents.List, "lset"u8, key);
        client.Reply.Ok();
    }

    private static void LInsert(ClientSession client, in RespRequest request)
    {
        var after = Args.Is(request[2], "AFTER"u8);
        if (!after && !Args.Is(request[2], "BEFORE"u8))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Integer(0);
            return;
        }

        var length = client.Keys.Lists.Insert(ref entry, request[3], request[4], after);
        if (length > 0)
        {
            client.Keys.Touch(key);
            client.Notify(KeyspaceEvents.List, "linsert"u8, key);
        }

        client.Reply.Integer(length);
    }

    private static void LRem(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var count))
        {
            return;
        }

        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            client.Reply.Integer(0);
            return;
        }

        var removed = client.Keys.Lists.Remove(ref entry, request[3], count);
        if (removed > 0)
        {
            Finish(client, ref entry, key, "lrem"u8);
        }

        client.Reply.Integer(removed);
    }

    private static void LTrim(ClientSession client, in RespRequest request)
    {
        if (!Args.TryInteger(client, request[2], out var start) || !Args.TryInteger(client, request[3], out var end))
        {
            return;
        }

        var key = request[1];
        ref var entry = ref FindForWrite(client, key, out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (!Unsafe.IsNullRef(ref entry))
        {
            var lists = client.Keys.Lists;
            var length = lists.Length(entry);
            if (TryClampRange(start, end, length, out var first, out var last))
            {
                lists.Trim(ref entry, first, length - last - 1);
            }
            else
            {
                lists.Trim(ref entry, length, 0);
            }

            Finish(client, ref entry, key, "ltrim"u8);
        }

        client.Reply.Ok();
    }

    private static void LPos(ClientSession client, in RespRequest request)
    {
        long rank = 1;
        long count = -1;
        long maxLength = 0;
        for (var i = 3; i < request.Count; i++)
        {
            var option = request[i];
            var more = i + 1 < request.Count;
            if (more && Args.Is(option, "RANK"u8))
            {
                if (!Args.TryInteger(client, request[++i], out rank))
                {
                    return;
                }

                if (rank == 0)
                {
                    client.Reply.Error(ListErrors.RankZero);
                    return;
                }
            }
            else if (more && Args.Is(option, "COUNT"u8))
            {
                if (!RespNumbers.TryParseInt64(request[++i], out count) || count < 0)
                {
                    client.Reply.Error(ListErrors.CountNegative);
                    return;
                }
            }
            else if (more && Args.Is(option, "MAXLEN"u8))
            {
                if (!RespNumbers.TryParseInt64(request[++i], out maxLength) || maxLength < 0)
                {
                    client.Reply.Error(ListErrors.MaxLenNegative);
                    return;
                }
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        ref var entry = ref FindForRead(client, request[1], out var wrongType);
        if (wrongType)
        {
            return;
        }

        if (Unsafe.IsNullRef(ref entry))
        {
            if (count != -1)
            {
                client.Reply.ArrayHeader(0);
            }
            else
            {
                client.Reply.Null();
            }

            return;
        }

        var matches = FindMatches(client.Keys.Lists, entry, request[2], rank, count == -1 ? 1 : count, maxLength, out var single);
        if (count == -1)
        {
            if (single < 0)
            {
                client.Reply.Null();
            }
            else
            {
                client.Reply.Integer(single);
            }

            return;
        }

        client.Reply.ArrayHeader(matches.Count);
        foreach (var index in matches)
        {
            client.Reply.Integer(index);
        }
    }

    /// <summary>
    /// The indices of the matches of <paramref name="element"/> from the <paramref name="rank"/>th
    /// (negative: counted from the tail), at most <paramref name="wanted"/> of them (0: all),
    /// looking at no more than <paramref name="maxLength"/> elements (0: all). <paramref name="first"/> is the first index or -1.
    /// </summary>
    private static List<long> FindMatches(ListStore lists, in StoreEntry entry, ReadOnlySpan<byte> element, long rank, long wanted, long maxLength, out long first)
    {
        var found = new List<long>();
        first = -1;
        var length = lists.Length(entry);
        // Redis 7.0 negates LONG_MIN into itself, and then the first match from the tail counts.
        var skip = rank == long.MinValue ? 0 : Math.Abs(rank) - 1;
        long scanned = 0;
        if (rank > 0)
        {
            var reader = lists.Read(entry);
            while ((maxLength == 0 || scanned < maxLength) && reader.MoveNext())
            {
                if (reader.Current.SequenceEqual(element) && skip-- <= 0 && Add(found, scanned, wanted, ref first))
                {
                    break;
                }

                scanned++;
            }
        }
        else
        {
            var reader = lists.ReadBackwards(entry);
            while ((maxLength == 0 || scanned < maxLength) && reader.MoveNext())
            {
                if (reader.Current.SequenceEqual(element) && skip-- <= 0 && Add(found, length - scanned - 1, wanted, ref first))
                {
                    break;
                }

                scanned++;
            }
        }

        return found;
    }

    /// <summary>Records a match; true when enough were found.</summary>
    private static bool Add(List<long> found, long index, long wanted, ref long first)
    {
        if (first < 0)
        {
            first = index;
        }

        found.Add(index);
        return wanted != 0 && found.Count >= wanted;
    }
}
