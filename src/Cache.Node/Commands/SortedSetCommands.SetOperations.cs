using System.Runtime.CompilerServices;
using Cache.Node.Cluster;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>ZUNION ZINTER ZDIFF, their STORE forms (WEIGHTS, AGGREGATE SUM|MIN|MAX) and ZINTERCARD.</summary>
internal static partial class SortedSetCommands
{
    private enum SetOperation
    {
        Union,
        Inter,
        Diff,
    }

    private enum Aggregate
    {
        Sum,
        Min,
        Max,
    }

    private static void RegisterSetOperations(CommandTable table)
    {
        var readKeys = new CommandKeys([new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(1), KeyFindKeys.KeyNum(0, 1))]);
        var storeKeys = new CommandKeys(
        [
            KeySpec.At(1, KeySpecFlags.OW | KeySpecFlags.Update),
            new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, KeyBeginSearch.AtIndex(2), KeyFindKeys.KeyNum(0, 1)),
        ]);
        const CommandFlags read = CommandFlags.ReadOnly;
        const CommandFlags write = CommandFlags.Write | CommandFlags.DenyOom;
        table.Add(new("zunion", -3, read, ZUnion, Group, "Returns the union of multiple sorted sets.") { Keys = readKeys, Acl = Category });
        table.Add(new("zinter", -3, read, ZInter, Group, "Returns the intersect of multiple sorted sets.") { Keys = readKeys, Acl = Category });
        table.Add(new("zdiff", -3, read, ZDiff, Group, "Returns the difference between multiple sorted sets.") { Keys = readKeys, Acl = Category });
        table.Add(new("zintercard", -3, read, ZInterCard, Group, "Returns the number of members of the intersect of multiple sorted sets.") { Keys = readKeys, Acl = Category });
        table.Add(new("zunionstore", -4, write, ZUnionStore, Group, "Stores the union of multiple sorted sets in a key.") { Keys = storeKeys, Acl = Category });
        table.Add(new("zinterstore", -4, write, ZInterStore, Group, "Stores the intersect of multiple sorted sets in a key.") { Keys = storeKeys, Acl = Category });
        table.Add(new("zdiffstore", -4, write, ZDiffStore, Group, "Stores the difference of multiple sorted sets in a key.") { Keys = storeKeys, Acl = Category });
    }

    private static void ZUnion(ClientSession client, in RespRequest request) => SetOperationCommand(client, request, SetOperation.Union, "zunion", store: false, cardinality: false);

    private static void ZInter(ClientSession client, in RespRequest request) => SetOperationCommand(client, request, SetOperation.Inter, "zinter", store: false, cardinality: false);

    private static void ZDiff(ClientSession client, in RespRequest request) => SetOperationCommand(client, request, SetOperation.Diff, "zdiff", store: false, cardinality: false);

    private static void ZInterCard(ClientSession client, in RespRequest request) => SetOperationCommand(client, request, SetOperation.Inter, "zintercard", store: false, cardinality: true);

    private static void ZUnionStore(ClientSession client, in RespRequest request) => SetOperationCommand(client, request, SetOperation.Union, "zunionstore", store: true, cardinality: false);

    private static void ZInterStore(ClientSession client, in RespRequest request) => SetOperationCommand(client, request, SetOperation.Inter, "zinterstore", store: true, cardinality: false);

    private static void ZDiffStore(ClientSession client, in RespRequest request) => SetOperationCommand(client, request, SetOperation.Diff, "zdiffstore", store: true, cardinality: false);

    /// <summary>Redis' zunionInterDiffGenericCommand: parse, look the sources up, then union, intersect or subtract.</summary>
    private static void SetOperationCommand(ClientSession client, in RespRequest request, SetOperation operation, string name, bool store, bool cardinality)
    {
        var keyCountAt = store ? 2 : 1;
        if (!Args.TryInteger(client, request[keyCountAt], out var keyCount))
        {
            return;
        }

        if (keyCount < 1)
        {
            client.Reply.Error(SortedSetErrors.AtLeastOneKey(name));
            return;
        }

        if (keyCount > request.Count - (keyCountAt + 1))
        {
            client.Reply.Error(Errors.Syntax);
            return;
        }

        var sources = (int)keyCount;
        var firstKey = keyCountAt + 1;
        for (var i = 0; i < sources; i++)
        {
            ref var entry = ref client.Keys.LookupRead(request[firstKey + i]);
            // A plain set is a source too, every member scored 1 (Redis' zsetConvert of a set input).
            if (!Unsafe.IsNullRef(ref entry) && entry.Kind is not (ValueKind.SortedSet or ValueKind.Set))
            {
                client.Reply.Error(Errors.WrongType);
                return;
            }
        }

        var weights = new double[sources];
        Array.Fill(weights, 1.0);
        var aggregate = Aggregate.Sum;
        var withScores = false;
        long limit = 0;
        for (var j = firstKey + sources; j < request.Count;)
        {
            var remaining = request.Count - j;
            var argument = request[j];
            if (operation != SetOperation.Diff && !cardinality && remaining >= sources + 1 && Args.Is(argument, "WEIGHTS"u8))
            {
                for (var i = 0; i < sources; i++)
                {
                    if (!SortedSetScores.TryParse(request[j + 1 + i], out weights[i]))
                    {
                        client.Reply.Error(SortedSetErrors.WeightNotFloat);
                        return;
                    }
                }

                j += sources + 1;
            }
            else if (operation != SetOperation.Diff && !cardinality && remaining >= 2 && Args.Is(argument, "AGGREGATE"u8))
            {
                var mode = request[j + 1];
                if (Args.Is(mode, "SUM"u8))
                {
                    aggregate = Aggregate.Sum;
                }
                else if (Args.Is(mode, "MIN"u8))
                {
                    aggregate = Aggregate.Min;
                }
                else if (Args.Is(mode, "MAX"u8))
                {
                    aggregate = Aggregate.Max;
                }
                else
                {
                    client.Reply.Error(Errors.Syntax);
                    return;
                }

                j += 2;
            }
            else if (!store && !cardinality && Args.Is(argument, "WITHSCORES"u8))
            {
                withScores = true;
                j++;
            }
            else if (cardinality && remaining >= 2 && Args.Is(argument, "LIMIT"u8))
            {
                if (!RespNumbers.TryParseInt64(request[j + 1], out limit) || limit < 0)
                {
                    client.Reply.Error(SortedSetErrors.LimitNegative);
                    return;
                }

                j += 2;
            }
            else
            {
                client.Reply.Error(Errors.Syntax);
                return;
            }
        }

        // Union and intersection walk the sources from the smallest, as Redis does.
        var order = new int[sources];
        var lengths = new long[sources];
        var sets = PlainSetsOf(client, request, firstKey, sources);
        for (var i = 0; i < sources; i++)
        {
            order[i] = i;
            lengths[i] = sets[i]?.Count ?? SourceOf(client, request[firstKey + i]).Count;
        }

        if (operation != SetOperation.Diff)
        {
            Array.Sort(order, (a, b) => lengths[a].CompareTo(lengths[b]));
        }

        var result = operation switch
        {
            SetOperation.Union => Union(client, request, firstKey, sets, order, weights, aggregate),
            SetOperation.Inter => Intersect(client, request, firstKey, sets, order, weights, aggregate, cardinality ? limit : -1),
            _ => Subtract(client, request, firstKey, sets, sources),
        };

        if (cardinality)
        {
            client.Reply.Integer(result.Count);
            return;
        }

        result.Sort(static (a, b) => SortedSetOrder.Compare(a.Value, a.Key, b.Value, b.Key));
        if (store)
        {
            StoreResult(client, request[1], result, operation switch
            {
                SetOperation.Union => "zunionstore"u8,
                SetOperation.Inter => "zinterstore"u8,
                _ => "zdiffstore"u8,
            });
            return;
        }

        var reply = client.Reply;
        reply.ArrayHeader(withScores && !reply.IsResp3 ? result.Count * 2 : result.Count);
        foreach (var (member, score) in result)
        {
            WriteMember(reply, member, score, withScores);
        }
    }

    /// <summary>The sorted set at <paramref name="key"/> without counting a hit (already checked for type); missing reads as empty.</summary>
    private static SortedSetHandle SourceOf(ClientSession client, ReadOnlySpan<byte> key)
    {
        ref var entry = ref client.Keys.Lookup(key);
        return Unsafe.IsNullRef(ref entry) ? default : new SortedSetHandle(client.Keys.SortedSets, ref entry);
    }

    /// <summary>The members of each source that is a plain set (null for the others), read once.</summary>
    private static HashSet<byte[]>?[] PlainSetsOf(ClientSession client, in RespRequest request, int firstKey, int sources)
    {
        var sets = new HashSet<byte[]>?[sources];
        Span<byte> scratch = stackalloc byte[24];
        for (var i = 0; i < sources; i++)
        {
            ref var entry = ref client.Keys.Lookup(request[firstKey + i]);
            if (Unsafe.IsNullRef(ref entry) || entry.Kind != ValueKind.Set)
            {
                continue;
            }

            var members = new HashSet<byte[]>(KeyBytesComparer.Instance);
            var walk = client.Keys.Sets.Members(entry, scratch);
            while (walk.MoveNext())
            {
                members.Add(walk.Current.ToArray());
            }

            sets[i] = members;
        }

        return sets;
    }

    private static bool TryScoreIn(ClientSession client, ReadOnlySpan<byte> key, HashSet<byte[]>? set, byte[] member, out double score)
    {
        if (set is not null)
        {
            score = 1;
            return set.Contains(member);
        }

        return SourceOf(client, key).TryGetScore(member, out score);
    }

    private static List<KeyValuePair<byte[], double>> Union(ClientSession client, in RespRequest request, int firstKey, HashSet<byte[]>?[] sets, int[] order, double[] weights, Aggregate aggregate)
    {
        var scores = new Dictionary<byte[], double>(KeyBytesComparer.Instance);
        foreach (var source in order)
        {
            if (sets[source] is { } members)
            {
                foreach (var member in members)
                {
                    var weighted = Weighted(1, weights[source]);
                    scores[member] = scores.TryGetValue(member, out var existing) ? Combine(existing, weighted, aggregate) : weighted;
                }

                continue;
            }

            var set = SourceOf(client, request[firstKey + source]);
            if (set.IsMissing)
            {
                continue;
            }

            var cursor = set.Cursor(0);
            while (cursor.MoveNext())
            {
                var score = Weighted(cursor.Score, weights[source]);
                var member = cursor.Member.ToArray();
                scores[member] = scores.TryGetValue(member, out var existing) ? Combine(existing, score, aggregate) : score;
            }
        }

        return [.. scores];
    }

    private static List<KeyValuePair<byte[], double>> Intersect(ClientSession client, in RespRequest request, int firstKey, HashSet<byte[]>?[] sets, int[] order, double[] weights, Aggregate aggregate, long limit)
    {
        var result = new List<KeyValuePair<byte[], double>>();
        if (sets[order[0]] is { } smallestSet)
        {
            foreach (var member in smallestSet)
            {
                if (limit > 0 && result.Count >= limit)
                {
                    break;
                }

                var score = Weighted(1, weights[order[0]]);
                var everywhere = true;
                for (var i = 1; i < order.Length && everywhere; i++)
                {
                    everywhere = TryScoreIn(client, request[firstKey + order[i]], sets[order[i]], member, out var otherScore);
                    score = everywhere ? Combine(score, Weighted(otherScore, weights[order[i]]), aggregate) : score;
                }

                if (everywhere)
                {
                    result.Add(new(member, score));
                }
            }

            return result;
        }

        var smallest = SourceOf(client, request[firstKey + order[0]]);
        if (smallest.IsMissing)
        {
            return result;
        }

        var count = smallest.Count;
        for (var rank = 0L; rank < count && (limit <= 0 || result.Count < limit); rank++)
        {
            smallest = SourceOf(client, request[firstKey + order[0]]);
            smallest.ReadAt(rank, out var found, out var first);
            var member = found.ToArray();
            var score = Weighted(first, weights[order[0]]);
            var everywhere = true;
            for (var i = 1; i < order.Length && everywhere; i++)
            {
                everywhere = TryScoreIn(client, request[firstKey + order[i]], sets[order[i]], member, out var otherScore);
                score = everywhere ? Combine(score, Weighted(otherScore, weights[order[i]]), aggregate) : score;
            }

            if (everywhere)
            {
                result.Add(new(member, score));
            }
        }

        return result;
    }

    private static List<KeyValuePair<byte[], double>> Subtract(ClientSession client, in RespRequest request, int firstKey, HashSet<byte[]>?[] sets, int sources)
    {
        var result = new List<KeyValuePair<byte[], double>>();
        if (sets[0] is { } firstSet)
        {
            foreach (var member in firstSet)
            {
                var found = false;
                for (var i = 1; i < sources && !found; i++)
                {
                    found = TryScoreIn(client, request[firstKey + i], sets[i], member, out _);
                }

                if (!found)
                {
                    result.Add(new(member, 1));
                }
            }

            return result;
        }

        var first = SourceOf(client, request[firstKey]);
        var count = first.Count;
        for (var rank = 0L; rank < count; rank++)
        {
            first = SourceOf(client, request[firstKey]);
            first.ReadAt(rank, out var found, out var score);
            var member = found.ToArray();
            var elsewhere = false;
            for (var i = 1; i < sources && !elsewhere; i++)
            {
                elsewhere = TryScoreIn(client, request[firstKey + i], sets[i], member, out _);
            }

            if (!elsewhere)
            {
                result.Add(new(member, score));
            }
        }

        return result;
    }

    private static double Weighted(double score, double weight)
    {
        var weighted = score * weight;
        return double.IsNaN(weighted) ? 0 : weighted;
    }

    private static double Combine(double existing, double score, Aggregate aggregate)
    {
        switch (aggregate)
        {
            case Aggregate.Min:
                return Math.Min(existing, score);
            case Aggregate.Max:
                return Math.Max(existing, score);
            default:
                var sum = existing + score;
                return double.IsNaN(sum) ? 0 : sum;
        }
    }
}
