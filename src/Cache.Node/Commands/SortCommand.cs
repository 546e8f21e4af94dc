using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// SORT and SORT_RO (Redis 7.0's sort.c semantics): the elements of a list, set or sorted set
/// (any store implementing <see cref="ISortableValues"/>), ordered numerically or with ALPHA by
/// bytes, optionally by other keys (BY pattern, a hash field with <c>-&gt;</c>; a pattern
/// without <c>*</c> skips sorting), cut with LIMIT, projected with GET patterns, replied or
/// stored as a list (STORE). The elements are copied out first, so STORE may overwrite the
/// source. A command that reads many keys: slow, as in Redis.
/// </summary>
internal static class SortCommand
{
    private const string Group = "generic";
    private const AclCategories Category = AclCategories.Set | AclCategories.SortedSet | AclCategories.List | AclCategories.Dangerous;

    public static void Register(CommandTable table)
    {
        var source = KeySpec.At(1, KeySpecFlags.RO | KeySpecFlags.Access);
        var patterns = new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.Unknown, KeyFindKeys.Unknown);
        table.Add(new("sort", -2, CommandFlags.Write | CommandFlags.DenyOom, Sort, Group, "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.")
        {
            Keys = new([source, patterns, new KeySpec(KeySpecFlags.OW | KeySpecFlags.Update, KeyBeginSearch.Unknown, KeyFindKeys.Unknown)], FindKeys),
            Acl = Category,
        });
        table.Add(new("sort_ro", -2, CommandFlags.ReadOnly, SortReadOnly, Group, "Returns the sorted elements of a list, a set, or a sorted set.")
        {
            Keys = new([source, patterns], FindKeys),
            Acl = Category,
        });
    }

    /// <summary>Redis' sortGetKeys: the sorted key, and the last STORE's destination (LIMIT, GET and BY arguments skipped).</summary>
    private static int FindKeys(in RespRequest request, Span<int> positions, Span<KeySpecFlags> flags)
    {
        var found = 0;
        Put(positions, flags, ref found, 1, KeySpecFlags.RO | KeySpecFlags.Access);
        var store = -1;
        for (var i = 2; i < request.Count; i++)
        {
            var arg = request[i];
            if (Args.Is(arg, "LIMIT"u8))
            {
                i += 2;
            }
            else if (Args.Is(arg, "GET"u8) || Args.Is(arg, "BY"u8))
            {
                i++;
            }
            else if (Args.Is(arg, "STORE"u8) && i + 1 < request.Count)
            {
                store = i + 1;
            }
        }

        if (store > 0)
        {
            Put(positions, flags, ref found, store, KeySpecFlags.OW | KeySpecFlags.Update);
        }

        return found;
    }

    private static void Put(Span<int> positions, Span<KeySpecFlags> flags, ref int found, int position, KeySpecFlags flag)
    {
        if (found < positions.Length)
        {
            positions[found] = position;
        }

        if (found < flags.Length)
        {
            flags[found] = flag;
        }

        found++;
    }

    private static void Sort(ClientSession client, in RespRequest request) => Run(client, request, readOnly: false);

    private static void SortReadOnly(ClientSession client, in RespRequest request) => Run(client, request, readOnly: true);

    private static void Run(ClientSession client, in RespRequest request, bool readOnly)
    {
        if (!SortOptions.TryParse(client, request, readOnly, out var options))
        {
            return;
        }

        var keys = client.Keys;
        ref var entry = ref keys.LookupRead(request[1]);
        var elements = new List<byte[]>();
        var kind = ValueKind.List;
        if (!Unsafe.IsNullRef(ref entry))
        {
            kind = entry.Kind;
            if (keys.StoreFor(kind) is not ISortableValues sortable || kind is not (ValueKind.List or ValueKind.Set or ValueKind.SortedSet))
            {
                client.Reply.Error(Errors.WrongType);
                return;
            }

            sortable.CopyElements(entry, elements);
        }

        var dontSort = options.DontSort;
        var alpha = options.Alpha;
        var by = options.By;

        // A set has no order of its own: stored (or scripted) results are sorted by bytes so
        // they are the same everywhere.
        if (dontSort && kind == ValueKind.Set && (options.StoreIndex > 0 || client.InScript))
        {
            dontSort = false;
            alpha = true;
            by = null;
        }

        if (dontSort && options.Descending && kind != ValueKind.Set)
        {
            elements.Reverse();
        }

        var length = elements.Count;
        var start = options.Offset < 0 ? 0 : options.Offset;
        var end = options.Count < 0 ? length - 1 : start + options.Count - 1;
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }

        if (end >= length)
        {
            end = length - 1;
        }

        if (!dontSort && !SortElements(keys, elements, by, alpha, options.Descending))
        {
            client.Reply.Error(SortErrors.NotADouble);
            return;
        }

        var gets = options.Gets;
        var outputLength = (int)(gets.Count == 0 ? end - start + 1 : gets.Count * (end - start + 1));
        if (options.StoreIndex > 0)
        {
            Store(client, request[options.StoreIndex], elements, gets, start, end, outputLength);
            return;
        }

        client.Reply.ArrayHeader(outputLength);
        for (var j = start; j <= end; j++)
        {
            var element = elements[(int)j];
            if (gets.Count == 0)
            {
                client.Reply.Bulk(element);
            }

            foreach (var pattern in gets)
            {
                if (SortPatterns.TryLookup(keys, pattern, element, out var value))
                {
                    client.Reply.Bulk(value);
                }
                else
                {
                    client.Reply.Null();
                }
            }
        }
    }

    /// <summary>Sorts in place (stable; numeric ties go by bytes, as Redis); false when a numeric key is not a double.</summary>
    private static bool SortElements(KeySpace keys, List<byte[]> elements, byte[]? by, bool alpha, bool descending)
    {
        var scores = new double[elements.Count];
        var byValues = by is not null && alpha ? new byte[]?[elements.Count] : null;
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            ReadOnlySpan<byte> sortKey = element;
            if (by is not null)
            {
                if (!SortPatterns.TryLookup(keys, by, element, out var found))
                {
                    continue;
                }

                sortKey = found;
            }

            if (alpha)
            {
                if (byValues is not null)
                {
                    byValues[i] = sortKey.ToArray();
                }
            }
            else if (!sortKey.IsEmpty && (!RespNumbers.TryParseDouble(sortKey, out scores[i]) || double.IsNaN(scores[i])))
            {
                return false;
            }
        }

        // Byte order stands in for strcoll (Redis under the C locale, as its packages run).
        var order = new int[elements.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var sign = descending ? -1 : 1;
        Array.Sort(order, (a, b) =>
        {
            int cmp;
            if (!alpha)
            {
                cmp = scores[a].CompareTo(scores[b]);
                if (cmp == 0)
                {
                    cmp = elements[a].AsSpan().SequenceCompareTo(elements[b]);
                }
            }
            else if (byValues is not null)
            {
                cmp = byValues[a] is null || byValues[b] is null
                    ? (byValues[a] is null ? 0 : 1) - (byValues[b] is null ? 0 : 1)
                    : byValues[a].AsSpan().SequenceCompareTo(byValues[b]);
            }
            else
            {
                cmp = elements[a].AsSpan().SequenceCompareTo(elements[b]);
            }

            cmp = Math.Sign(cmp) * sign;
            return cmp != 0 ? cmp : a.CompareTo(b);
        });

        var sorted = new byte[elements.Count][];
        for (var i = 0; i < order.Length; i++)
        {
            sorted[i] = elements[order[i]];
        }

        elements.Clear();
        elements.AddRange(sorted);
        return true;
    }

    private static void Store(ClientSession client, ReadOnlySpan<byte> destination, List<byte[]> elements, List<byte[]> gets, long start, long end, int outputLength)
    {
        var keys = client.Keys;
        if (outputLength == 0)
        {
            if (keys.Delete(destination))
            {
                client.Notify(KeyspaceEvents.Generic, "del"u8, destination);
            }

            client.Reply.Integer(0);
            return;
        }

        ref var target = ref keys.GetOrAdd(destination, out _);
        keys.SetValue(ref target, ListBlob.Empty, ValueKind.List);
        keys.SetExpiry(ref target, 0);
        for (var j = start; j <= end; j++)
        {
            var element = elements[(int)j];
            if (gets.Count == 0)
            {
                keys.Lists.Push(ref target, element, head: false, stamp: false);
            }

            foreach (var pattern in gets)
            {
                var value = SortPatterns.TryLookup(keys, pattern, element, out var found) ? found : [];
                keys.Lists.Push(ref target, value, head: false, stamp: false);
            }
        }

        keys.Touch(destination);
        client.Notify(KeyspaceEvents.List, "sortstore"u8, destination);
        client.Reply.Integer(outputLength);
    }
}
