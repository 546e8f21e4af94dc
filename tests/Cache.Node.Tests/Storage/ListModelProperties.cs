using System.Text;
using Cache.Node.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// Random sequences of list operations (pushes and pops at both ends, LSET, LINSERT, LREM, LTRIM,
/// a replication round trip) on the store against a plain <see cref="List{T}"/>: after every step
/// the contents, length and random reads agree, whatever node limit the run picked (entry
/// counts from 1, or byte caps with elements up to a few KiB so nodes split and single
/// elements outgrow them).
/// </summary>
public sealed class ListModelProperties
{
    private static readonly int[] NodeLimits = [1, 2, 3, 5, 128, -1, -2];

    [Property(MaxTest = 150)]
    public Property The_store_behaves_as_a_plain_list(int seed)
    {
        var random = new Random(seed);
        var keys = new KeySpace(new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next())));
        keys.Limits.ListMaxListpackSize = NodeLimits[random.Next(NodeLimits.Length)];
        var model = new List<string>();
        var big = random.Next(3) == 0;
        for (var step = 0; step < 300; step++)
        {
            if (!Step(keys, model, random, big, out var what))
            {
                return false.Label($"seed {seed}, limit {keys.Limits.ListMaxListpackSize}, step {step}: {what}");
            }
        }

        return true.ToProperty();
    }

    private static string Element(Random random, bool big) =>
        big && random.Next(4) == 0 ? new string((char)('a' + random.Next(26)), random.Next(500, 6000)) : $"e{random.Next(12)}";

    private static bool Step(KeySpace keys, List<string> model, Random random, bool big, out string what)
    {
        var lists = keys.Lists;
        var key = "l"u8;
        ref var entry = ref keys.Lookup(key);
        var exists = !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry);
        var op = random.Next(exists ? 12 : 2);
        var element = Element(random, big);
        what = $"op {op}";
        switch (op)
        {
            case 0:
            case 1:
                entry = ref keys.GetOrAdd(key, out _);
                lists.Push(ref entry, Encoding.ASCII.GetBytes(element), head: op == 0);
                model.Insert(op == 0 ? 0 : model.Count, element);
                break;
            case 2:
            case 3:
                var popped = Encoding.ASCII.GetString(lists.Pop(ref entry, head: op == 2));
                var expected = op == 2 ? model[0] : model[^1];
                model.RemoveAt(op == 2 ? 0 : model.Count - 1);
                if (popped != expected)
                {
                    what = $"pop gave {popped[..Math.Min(10, popped.Length)]}";
                    return false;
                }

                break;
            case 4:
                var index = random.Next(model.Count);
                lists.Set(ref entry, index, Encoding.ASCII.GetBytes(element));
                model[index] = element;
                break;
            case 5:
                var pivot = model[random.Next(model.Count)];
                var after = random.Next(2) == 0;
                lists.Insert(ref entry, Encoding.ASCII.GetBytes(pivot), Encoding.ASCII.GetBytes(element), after);
                model.Insert(model.IndexOf(pivot) + (after ? 1 : 0), element);
                break;
            case 6:
                var target = model[random.Next(model.Count)];
                var count = random.Next(-3, 4);
                var removed = lists.Remove(ref entry, Encoding.ASCII.GetBytes(target), count);
                if (removed != RemoveFromModel(model, target, count))
                {
                    what = "LREM count";
                    return false;
                }

                break;
            case 7:
                var fromHead = random.Next(model.Count + 1);
                var fromTail = random.Next(model.Count - fromHead + 1);
                lists.Trim(ref entry, fromHead, fromTail);
                model.RemoveRange(model.Count - fromTail, fromTail);
                model.RemoveRange(0, fromHead);
                break;
            case 8:
                // A replication round trip: export, import into the same key with a later version.
                var wire = keys.Export(key)!.Value;
                keys.Apply(key, wire with { Version = new EntryVersion(wire.Version.Clock + 1_000_000, 9) });
                break;
            default:
                var at = random.Next(model.Count);
                if (Encoding.ASCII.GetString(lists.Get(entry, at)) != model[at])
                {
                    what = $"LINDEX {at}";
                    return false;
                }

                break;
        }

        entry = ref keys.Lookup(key);
        if (model.Count == 0)
        {
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry))
            {
                keys.Delete(key);
            }

            return true;
        }

        what += $" contents after {what}";
        return lists.Length(entry) == model.Count && Read(keys).SequenceEqual(model) && ReadBackwards(keys).SequenceEqual(Enumerable.Reverse(model));
    }

    private static long RemoveFromModel(List<string> model, string target, int count)
    {
        var removed = 0;
        var limit = count == 0 ? int.MaxValue : Math.Abs(count);
        if (count >= 0)
        {
            for (var i = 0; i < model.Count && removed < limit;)
            {
                if (model[i] == target)
                {
                    model.RemoveAt(i);
                    removed++;
                }
                else
                {
                    i++;
                }
            }
        }
        else
        {
            for (var i = model.Count - 1; i >= 0 && removed < limit; i--)
            {
                if (model[i] == target)
                {
                    model.RemoveAt(i);
                    removed++;
                }
            }
        }

        return removed;
    }

    private static List<string> Read(KeySpace keys)
    {
        var items = new List<string>();
        var reader = keys.Lists.Read(keys.Lookup("l"u8));
        while (reader.MoveNext())
        {
            items.Add(Encoding.ASCII.GetString(reader.Current));
        }

        return items;
    }

    private static List<string> ReadBackwards(KeySpace keys)
    {
        var items = new List<string>();
        var reader = keys.Lists.ReadBackwards(keys.Lookup("l"u8));
        while (reader.MoveNext())
        {
            items.Add(Encoding.ASCII.GetString(reader.Current));
        }

        return items;
    }
}
