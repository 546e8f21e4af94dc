using System.Buffers;
using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// SINTER SINTERCARD SUNION SDIFF and their STORE forms. The sources are looked up once and
/// copied (their entries and records do not move while nothing is written); the result is
/// copied out into <see cref="SetStore.Results"/> before the destination is written, so a
/// destination that is also a source reads as it was.
/// </summary>
internal static partial class SetCommands
{
    private enum SetOperation
    {
        Intersection,
        Union,
        Difference,
    }

    private static void RegisterAlgebra(CommandTable table)
    {
        var sources = KeySpec.ToEnd(1, KeySpecFlags.RO | KeySpecFlags.Access);
        var storeSources = KeySpec.ToEnd(2, KeySpecFlags.RO | KeySpecFlags.Access);
        table.Add(new("sinter", -2, CommandFlags.ReadOnly, SInter, Group, "Returns the intersect of multiple sets.")
        {
            Keys = CommandKeys.Of(sources),
            Acl = Category,
            Tips = ["nondeterministic_output_order"],
        });
        table.Add(new("sintercard", -3, CommandFlags.ReadOnly, SInterCard, Group, "Returns the number of members of the intersect of multiple sets.")
        {
            Keys = CommandKeys.Of(new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(1), KeyFindKeys.KeyNum(0, 1, 1))),
            Acl = Category,
        });
        table.Add(new("sinterstore", -3, CommandFlags.Write | CommandFlags.DenyOom, SInterStore, Group, "Stores the intersect of multiple sets in a key.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.RW | KeySpecFlags.Update), storeSources]),
            Acl = Category,
        });
        table.Add(new("sunion", -2, CommandFlags.ReadOnly, SUnion, Group, "Returns the union of multiple sets.")
        {
            Keys = CommandKeys.Of(sources),
            Acl = Category,
            Tips = ["nondeterministic_output_order"],
        });
        table.Add(new("sunionstore", -3, CommandFlags.Write | CommandFlags.DenyOom, SUnionStore, Group, "Stores the union of multiple sets in a key.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update), storeSources]),
            Acl = Category,
        });
        table.Add(new("sdiff", -2, CommandFlags.ReadOnly, SDiff, Group, "Returns the difference of multiple sets.")
        {
            Keys = CommandKeys.Of(sources),
            Acl = Category,
            Tips = ["nondeterministic_output_order"],
        });
        table.Add(new("sdiffstore", -3, CommandFlags.Write | CommandFlags.DenyOom, SDiffStore, Group, "Stores the difference of multiple sets in a key.")
        {
            Keys = new([KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update), storeSources]),
            Acl = Category,
        });
    }

    private static void SInter(ClientSession client, in RespRequest request) => Combine(client, request, 1, request.Count - 1, SetOperation.Intersection, store: false);

    private static void SInterStore(ClientSession client, in RespRequest request) => Combine(client, request, 2, request.Count - 2, SetOperation.Intersection, store: true);

    private static void SUnion(ClientSession client, in RespRequest request) => Combine(client, request, 1, request.Count - 1, SetOperation.Union, store: false);

    private static void SUnionStore(ClientSession client, in RespRequest request) => Combine(client, request, 2, request.Count - 2, SetOperation.Union, store: true);

    private static void SDiff(ClientSession client, in RespRequest request) => Combine(client, request, 1, request.Count - 1, SetOperation.Difference, store: false);

    private static void SDiffStore(ClientSession client, in RespRequest request) => Combine(client, request, 2, request.Count - 2, SetOperation.Difference, store: true);

    /// <summary>SINTERCARD numkeys key [key ...] [LIMIT limit], with Redis' argument checks in its order.</summary>
    private static void SInterCard(ClientSession client, in RespRequest request)
    {
        if (!RespNumbers.TryParseInt64(request[1], out var keyCount) || keyCount < 1)
        {
            client.Reply.Error(SetErrors.NumKeys);
            return;
        }

        if (keyCount > request.Count - 2)
        {
            client.Reply.Error(SetErrors.TooManyKeys);
            return;
        }

        long limit = 0;
        for (var i = 2 + (int)keyCount; i < request.Count; i++)
        {
            if (Args.Is(request[i], "LIMIT"u8) && i + 1 < request.Count)
            {
                i++;
                if (!RespNumbers.TryParseInt64(request[i], out limit) || limit < 0)
                {
                    client.Reply.Error(SetErrors.NegativeLimit);
                    return;
                }
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        var sources = ArrayPool<StoreEntry>.Shared.Rent((int)keyCount);
        try
        {
            if (!TryLookUpSources(client, request, 2, (int)keyCount, sources, out var anyMissing))
            {
                return;
            }

            client.Reply.Integer(anyMissing ? 0 : Intersect(client.Keys.Sets, sources.AsSpan(0, (int)keyCount), null, limit));
        }
        finally
        {
            ArrayPool<StoreEntry>.Shared.Return(sources);
        }
    }

    private static void Combine(ClientSession client, in RespRequest request, int first, int count, SetOperation operation, bool store)
    {
        var sources = ArrayPool<StoreEntry>.Shared.Rent(count);
        var sets = client.Keys.Sets;
        var results = sets.Results;
        results.Clear();
        try
        {
            if (!TryLookUpSources(client, request, first, count, sources, out var anyMissing))
            {
                return;
            }

            var span = sources.AsSpan(0, count);
            switch (operation)
            {
                case SetOperation.Intersection when !anyMissing:
                    Intersect(sets, span, results, 0);
                    break;
                case SetOperation.Union:
                    Unite(sets, span, results);
                    break;
                case SetOperation.Difference:
                    Subtract(sets, span, results);
                    break;
            }

            if (store)
            {
                Store(client, request[1], results, operation switch
                {
                    SetOperation.Intersection => "sinterstore"u8,
                    SetOperation.Union => "sunionstore"u8,
                    _ => "sdiffstore"u8,
                });
            }
            else
            {
                client.Reply.SetHeader(results.Count);
                for (var i = 0; i < results.Count; i++)
                {
                    client.Reply.Bulk(results[i]);
                }
            }
        }
        finally
        {
            results.Clear();
            ArrayPool<StoreEntry>.Shared.Return(sources);
        }
    }

    /// <summary>
    /// Copies the entries of <paramref name="count"/> keys from argument <paramref name="first"/>;
    /// a missing key leaves an empty entry (handle 0). False after replying WRONGTYPE: every key
    /// is checked, so a wrong type anywhere fails the command, as in Redis.
    /// </summary>
    private static bool TryLookUpSources(ClientSession client, in RespRequest request, int first, int count, StoreEntry[] sources, out bool anyMissing)
    {
        anyMissing = false;
        for (var i = 0; i < count; i++)
        {
            ref var entry = ref Find(client, request[first + i], countHit: true, out var wrongType);
            if (wrongType)
            {
                return false;
            }

            if (Unsafe.IsNullRef(ref entry))
            {
                anyMissing = true;
                sources[i] = default;
            }
            else
            {
                sources[i] = entry;
            }
        }

        return true;
    }

    /// <summary>
    /// The members of the smallest set that every other set holds, copied to <paramref name="results"/>
    /// (or only counted when it is null, stopping at <paramref name="limit"/> unless 0). Returns the count.
    /// </summary>
    private static long Intersect(SetStore sets, Span<StoreEntry> sources, SetMemberList? results, long limit)
    {
        var smallest = 0;
        for (var i = 1; i < sources.Length; i++)
        {
            if (sets.Count(sources[i]) < sets.Count(sources[smallest]))
            {
                smallest = i;
            }
        }

        (sources[0], sources[smallest]) = (sources[smallest], sources[0]);
        long found = 0;
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var members = sets.Members(sources[0], scratch);
        while (members.MoveNext())
        {
            if (HeldByAll(sets, sources, members.Current))
            {
                found++;
                results?.Add(members.Current);
                if (results is null && limit > 0 && found >= limit)
                {
                    break;
                }
            }
        }

        return found;
    }

    private static bool HeldByAll(SetStore sets, Span<StoreEntry> sources, ReadOnlySpan<byte> member)
    {
        for (var j = 1; j < sources.Length; j++)
        {
            if (sources[j].Handle != sources[0].Handle && !sets.Contains(sources[j], member))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every member of any set, once: a member is added from the first set that holds it.</summary>
    private static void Unite(SetStore sets, Span<StoreEntry> sources, SetMemberList results)
    {
        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        for (var j = 0; j < sources.Length; j++)
        {
            if (sources[j].Handle == 0 || SeenBefore(sources, j))
            {
                continue;
            }

            var members = sets.Members(sources[j], scratch);
            while (members.MoveNext())
            {
                if (!HeldByEarlier(sets, sources, j, members.Current))
                {
                    results.Add(members.Current);
                }
            }
        }
    }

    private static bool SeenBefore(Span<StoreEntry> sources, int j)
    {
        for (var i = 0; i < j; i++)
        {
            if (sources[i].Handle == sources[j].Handle)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HeldByEarlier(SetStore sets, Span<StoreEntry> sources, int j, ReadOnlySpan<byte> member)
    {
        for (var i = 0; i < j; i++)
        {
            if (sources[i].Handle != 0 && sets.Contains(sources[i], member))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The members of the first set that no other set holds (none when the first key is repeated).</summary>
    private static void Subtract(SetStore sets, Span<StoreEntry> sources, SetMemberList results)
    {
        if (sources[0].Handle == 0 || SeenLater(sources))
        {
            return;
        }

        Span<byte> scratch = stackalloc byte[SetInteger.MaxDigits];
        var members = sets.Members(sources[0], scratch);
        while (members.MoveNext())
        {
            var keep = true;
            for (var j = 1; keep && j < sources.Length; j++)
            {
                keep = sources[j].Handle == 0 || !sets.Contains(sources[j], members.Current);
            }

            if (keep)
            {
                results.Add(members.Current);
            }
        }
    }

    private static bool SeenLater(Span<StoreEntry> sources)
    {
        for (var j = 1; j < sources.Length; j++)
        {
            if (sources[j].Handle == sources[0].Handle)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes a result to the destination (replacing any value and its TTL), or deletes it when empty, and replies the count.</summary>
    private static void Store(ClientSession client, ReadOnlySpan<byte> destination, SetMemberList results, ReadOnlySpan<byte> eventName)
    {
        var keys = client.Keys;
        if (results.Count == 0)
        {
            if (keys.Delete(destination))
            {
                client.Notify(KeyspaceEvents.Generic, "del"u8, destination);
            }

            client.Reply.Integer(0);
            return;
        }

        ref var entry = ref keys.GetOrAdd(destination, out _);
        keys.Sets.Replace(ref entry, results);
        keys.SetExpiry(ref entry, 0);
        keys.Touch(destination);
        client.Notify(KeyspaceEvents.Set, eventName, destination);
        client.Reply.Integer(results.Count);
    }
}
