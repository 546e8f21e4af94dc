using System.Text;
using Cache.Node.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// Random operation sequences on one sorted set against a plain model (a dictionary sorted on
/// demand), with the packed threshold lowered so sequences cross between the encodings; after
/// each step the set must list exactly the model's members in (score, member) order, and a
/// replica built from its export must hold the same.
/// </summary>
public sealed class SortedSetModelProperties
{
    private static readonly byte[][] MemberPool = [.. Enumerable.Range(0, 24).Select(i => Encoding.ASCII.GetBytes(i % 5 == 0 ? $"long-member-{i}-{new string('x', 20)}" : $"m{i}"))];

    private enum OpKind
    {
        Set,
        Remove,
        RemoveRange,
        PopMin,
        PopMax,
    }

    [Property(MaxTest = 300)]
    public Property Random_operations_match_the_model() => Prop.ForAll(Sequences(), operations =>
    {
        var keys = new KeySpace(new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        keys.Limits.ZSetMaxListpackEntries = 6;
        keys.Limits.ZSetMaxListpackValue = 24;
        var model = new Dictionary<string, double>();
        foreach (var (kind, member, score, start, count) in operations)
        {
            Apply(keys, model, kind, member, score, start, count);
            if (!SameAsModel(keys, model))
            {
                return false;
            }
        }

        if (model.Count == 0)
        {
            return true;
        }

        var replica = new KeySpace(new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)));
        return replica.Apply("z"u8, keys.Export("z"u8)!.Value) && SameAsModel(replica, model);
    });

    private static void Apply(KeySpace keys, Dictionary<string, double> model, OpKind kind, int member, double score, int start, int count)
    {
        var name = MemberPool[member];
        var text = Encoding.ASCII.GetString(name);
        ref var entry = ref keys.GetOrAdd("z"u8, out var added);
        var store = keys.SortedSets;
        var ordered = Ordered(model);
        switch (kind)
        {
            case OpKind.Set:
                store.Set(ref entry, name, score);
                model[text] = score;
                break;
            case OpKind.Remove when !added:
                store.Remove(ref entry, name);
                model.Remove(text);
                break;
            case OpKind.RemoveRange when !added && start < ordered.Count:
                var take = Math.Min(count, ordered.Count - start);
                store.RemoveRange(ref entry, start, take);
                ordered.Skip(start).Take(take).ToList().ForEach(p => model.Remove(p.Key));
                break;
            case OpKind.PopMin when !added:
                store.RemoveRange(ref entry, 0, 1);
                model.Remove(ordered[0].Key);
                break;
            case OpKind.PopMax when !added:
                store.RemoveRange(ref entry, ordered.Count - 1, 1);
                model.Remove(ordered[^1].Key);
                break;
        }

        if (model.Count == 0)
        {
            keys.Delete("z"u8);
        }
    }

    private static bool SameAsModel(KeySpace keys, Dictionary<string, double> model)
    {
        ref var entry = ref keys.Lookup("z"u8);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
        {
            return model.Count == 0;
        }

        var store = keys.SortedSets;
        var expected = Ordered(model);
        if (store.Count(entry) != expected.Count)
        {
            return false;
        }

        for (var rank = 0; rank < expected.Count; rank++)
        {
            store.ReadAt(entry, rank, out var member, out var score);
            var name = Encoding.ASCII.GetBytes(expected[rank].Key);
            if (!member.SequenceEqual(name) || score != expected[rank].Value || store.RankOf(entry, name, out _) != rank)
            {
                return false;
            }
        }

        return true;
    }

    private static List<KeyValuePair<string, double>> Ordered(Dictionary<string, double> model) =>
        [.. model.OrderBy(p => p.Value).ThenBy(p => Encoding.ASCII.GetBytes(p.Key), ByteOrder.Instance)];

    private static Arbitrary<(OpKind, int, double, int, int)[]> Sequences()
    {
        var operation =
            from kind in Gen.Frequency((6, Gen.Constant(OpKind.Set)), (2, Gen.Constant(OpKind.Remove)), (1, Gen.Constant(OpKind.RemoveRange)), (1, Gen.Constant(OpKind.PopMin)), (1, Gen.Constant(OpKind.PopMax)))
            from member in Gen.Choose(0, MemberPool.Length - 1)
            from score in Gen.Elements(0.0, 1.0, 1.5, -2.0, 3.0, double.PositiveInfinity, double.NegativeInfinity)
            from start in Gen.Choose(0, 8)
            from count in Gen.Choose(1, 5)
            select (kind, member, score, start, count);
        return Gen.ArrayOf(operation).ToArbitrary();
    }

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
