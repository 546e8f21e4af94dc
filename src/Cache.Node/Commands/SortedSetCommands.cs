using System.Runtime.CompilerServices;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// Sorted-set commands: ZADD ZINCRBY ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK ZREM here, ranges,
/// pops, set operations and sampling in the other partials. A sorted set is stored under
/// <see cref="ValueKind.SortedSet"/> through <see cref="SortedSetStore"/>; one whose last member
/// goes is deleted, so an empty sorted set never exists.
/// </summary>
internal static partial class SortedSetCommands
{
    internal const string Group = "sorted_set";
    internal const AclCategories Category = AclCategories.SortedSet;

    private const CommandFlags FastWrite = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
    private const CommandFlags FastRead = CommandFlags.ReadOnly | CommandFlags.Fast;

    private static readonly CommandKeys ReadAccess = CommandKeys.FirstArgument(KeySpecFlags.RO | KeySpecFlags.Access);

    public static void Register(CommandTable table)
    {
        table.Add(new("zadd", -4, FastWrite, ZAdd, Group, "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("zincrby", 4, FastWrite, ZIncrBy, Group, "Increments the score of a member in a sorted set.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Update),
            Acl = Category,
        });
        table.Add(new("zcard", 2, FastRead, ZCard, Group, "Returns the number of members in a sorted set.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RO),
            Acl = Category,
        });
        table.Add(new("zscore", 3, FastRead, ZScore, Group, "Returns the score of a member in a sorted set.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zmscore", -3, FastRead, ZMScore, Group, "Returns the score of one or more members in a sorted set.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrank", 3, FastRead, ZRank, Group, "Returns the index of a member in a sorted set ordered by ascending scores.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrevrank", 3, FastRead, ZRevRank, Group, "Returns the index of a member in a sorted set ordered by descending scores.") { Keys = ReadAccess, Acl = Category });
        table.Add(new("zrem", -3, CommandFlags.Write | CommandFlags.Fast, ZRem, Group, "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.")
        {
            Keys = CommandKeys.FirstArgument(KeySpecFlags.RW | KeySpecFlags.Delete),
            Acl = Category,
        });
        RegisterRanges(table);
        RegisterRangeStores(table);
        RegisterPops(table);
        RegisterSetOperations(table);
        RegisterSampling(table);
    }

    /// <summary>Looks a sorted set up for reading; false after replying WRONGTYPE (a missing key is a missing handle).</summary>
    internal static bool TryRead(ClientSession client, ReadOnlySpan<byte> key, out SortedSetHandle set) => TryFind(client, key, countHit: true, out set);

    /// <summary>Like <see cref="TryRead"/> without counting a hit or miss (Redis' lookupKeyWrite).</summary>
    internal static bool TryFindForWrite(ClientSession client, ReadOnlySpan<byte> key, out SortedSetHandle set) => TryFind(client, key, countHit: false, out set);

    private static bool TryFind(ClientSession client, ReadOnlySpan<byte> key, bool countHit, out SortedSetHandle set)
    {
        ref var entry = ref countHit ? ref client.Keys.LookupRead(key) : ref client.Keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            set = default;
            return true;
        }

        if (entry.Kind != ValueKind.SortedSet)
        {
            client.Reply.Error(Errors.WrongType);
            set = default;
            return false;
        }

        set = new SortedSetHandle(client.Keys.SortedSets, ref entry);
        return true;
    }

    /// <summary>The sorted set at <paramref name="key"/>, created when missing; false after replying WRONGTYPE.</summary>
    internal static bool GetOrCreate(ClientSession client, ReadOnlySpan<byte> key, out SortedSetHandle set)
    {
        ref var entry = ref client.Keys.GetOrAdd(key, out var added);
        if (!added && entry.Kind != ValueKind.SortedSet)
        {
            client.Reply.Error(Errors.WrongType);
            set = default;
            return false;
        }

        set = new SortedSetHandle(client.Keys.SortedSets, ref entry);
        return true;
    }

    /// <summary>
    /// After a write: deletes the key when the set is now empty, else tells the observers; then
    /// raises <paramref name="eventName"/> unless empty (and "del" when the key went).
    /// </summary>
    internal static void Written(ClientSession client, ReadOnlySpan<byte> key, SortedSetHandle set, ReadOnlySpan<byte> eventName = default)
    {
        var emptied = set.Entry.Kind != ValueKind.SortedSet || set.Count == 0;
        if (emptied)
        {
            client.Keys.Delete(key);
        }
        else
        {
            client.Keys.Touch(key);
        }

        if (!eventName.IsEmpty)
        {
            client.Notify(KeyspaceEvents.SortedSet, eventName, key);
            if (emptied)
            {
                client.Notify(KeyspaceEvents.Generic, "del"u8, key);
            }
        }
    }

    /// <summary>One member (and its score) of a reply; a RESP3 pair is an array of two when <paramref name="nested"/>.</summary>
    internal static void WriteMember(ReplyWriter reply, ReadOnlySpan<byte> member, double score, bool withScores, bool nested = true)
    {
        if (withScores && nested && reply.IsResp3)
        {
            reply.ArrayHeader(2);
        }

        reply.Bulk(member);
        if (withScores)
        {
            reply.Double(score);
        }
    }

    private static void ZAdd(ClientSession client, in RespRequest request) => AddMembers(client, request, incrementOnly: false);

    private static void ZIncrBy(ClientSession client, in RespRequest request) => AddMembers(client, request, incrementOnly: true);

    private static void AddMembers(ClientSession client, in RespRequest request, bool incrementOnly)
    {
        bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrementOnly;
        var first = 2;
        for (; !incrementOnly && first < request.Count; first++)
        {
            var option = request[first];
            if (Args.Is(option, "NX"u8))
            {
                nx = true;
            }
            else if (Args.Is(option, "XX"u8))
            {
                xx = true;
            }
            else if (Args.Is(option, "CH"u8))
            {
                ch = true;
            }
            else if (Args.Is(option, "INCR"u8))
            {
                incr = true;
            }
            else if (Args.Is(option, "GT"u8))
            {
                gt = true;
            }
            else if (Args.Is(option, "LT"u8))
            {
                lt = true;
            }
            else
            {
                break;
            }
        }

        var elements = request.Count - first;
        if (elements == 0 || elements % 2 != 0)
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        elements /= 2;
        if (nx && xx)
        {
            client.Reply.Error(SortedSetErrors.XxAndNx);
            return;
        }

        if ((gt && nx) || (lt && nx) || (gt && lt))
        {
            client.Reply.Error(SortedSetErrors.GtLtNx);
            return;
        }

        if (incr && elements > 1)
        {
            client.Reply.Error(SortedSetErrors.IncrSinglePair);
            return;
        }

        // Every score parses before anything changes: the command does all or nothing.
        for (var j = 0; j < elements; j++)
        {
            if (!SortedSetScores.TryParse(request[first + (j * 2)], out _))
            {
                client.Reply.Error(Errors.NotFloat);
                return;
            }
        }

        var key = request[1];
        if (!TryFindForWrite(client, key, out var set))
        {
            return;
        }

        if (set.IsMissing && xx)
        {
            ReplyAdded(client, incr, processed: false, 0, 0);
            return;
        }

        if (set.IsMissing && !GetOrCreate(client, key, out set))
        {
            return;
        }

        long added = 0, updated = 0;
        var processed = false;
        double score = 0;
        for (var j = 0; j < elements; j++)
        {
            SortedSetScores.TryParse(request[first + (j * 2)], out score);
            var member = request[first + (j * 2) + 1];
            if (set.Entry.Kind == ValueKind.SortedSet && set.TryGetScore(member, out var current))
            {
                if (nx)
                {
                    continue;
                }

                if (incr)
                {
                    score += current;
                    if (double.IsNaN(score))
                    {
                        client.Reply.Error(SortedSetErrors.NaNScore);
                        Written(client, key, set);
                        return;
                    }
                }

                if ((gt && score <= current) || (lt && score >= current))
                {
                    continue;
                }

                processed = true;
                if (!score.Equals(current))
                {
                    set.Set(member, score);
                    updated++;
                }
            }
            else if (!xx)
            {
                set.Set(member, score);
                added++;
                processed = true;
            }
        }

        if (added + updated > 0 || set.Entry.Kind != ValueKind.SortedSet)
        {
            Written(client, key, set, added + updated == 0 ? default : incr ? "zincr"u8 : "zadd"u8);
        }

        ReplyAdded(client, incr, processed, score, ch ? added + updated : added);
    }

    private static void ReplyAdded(ClientSession client, bool incr, bool processed, double score, long count)
    {
        if (!incr)
        {
            client.Reply.Integer(count);
        }
        else if (processed)
        {
            client.Reply.Double(score);
        }
        else
        {
            client.Reply.Null();
        }
    }

    private static void ZCard(ClientSession client, in RespRequest request)
    {
        if (TryRead(client, request[1], out var set))
        {
            client.Reply.Integer(set.Count);
        }
    }

    private static void ZScore(ClientSession client, in RespRequest request)
    {
        if (!TryRead(client, request[1], out var set))
        {
            return;
        }

        if (set.TryGetScore(request[2], out var score))
        {
            client.Reply.Double(score);
        }
        else
        {
            client.Reply.Null();
        }
    }

    private static void ZMScore(ClientSession client, in RespRequest request)
    {
        if (!TryRead(client, request[1], out var set))
        {
            return;
        }

        client.Reply.ArrayHeader(request.Count - 2);
        for (var i = 2; i < request.Count; i++)
        {
            if (set.TryGetScore(request[i], out var score))
            {
                client.Reply.Double(score);
            }
            else
            {
                client.Reply.Null();
            }
        }
    }

    private static void ZRank(ClientSession client, in RespRequest request) => ReplyRank(client, request, reverse: false);

    private static void ZRevRank(ClientSession client, in RespRequest request) => ReplyRank(client, request, reverse: true);

    private static void ReplyRank(ClientSession client, in RespRequest request, bool reverse)
    {
        if (!TryRead(client, request[1], out var set))
        {
            return;
        }

        var rank = set.RankOf(request[2], out _);
        if (rank < 0)
        {
            client.Reply.Null();
            return;
        }

        client.Reply.Integer(reverse ? set.Count - 1 - rank : rank);
    }

    private static void ZRem(ClientSession client, in RespRequest request)
    {
        var key = request[1];
        if (!TryFindForWrite(client, key, out var set))
        {
            return;
        }

        if (set.IsMissing)
        {
            client.Reply.Integer(0);
            return;
        }

        var removed = 0;
        for (var i = 2; i < request.Count && set.Count > 0; i++)
        {
            if (set.Remove(request[i]))
            {
                removed++;
            }
        }

        if (removed > 0)
        {
            Written(client, key, set, "zrem"u8);
        }

        client.Reply.Integer(removed);
    }
}
