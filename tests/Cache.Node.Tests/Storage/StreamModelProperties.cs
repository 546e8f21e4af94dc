using System.Runtime.CompilerServices;
using System.Text;
using Cache.Node.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// Random sequences of stream operations (appends with increasing ids, deletes of present and
/// absent ids, exact and approximate trims by length and by id, range walks both ways, a
/// replication round trip, packed groups) on the store against a sorted list: after every step
/// the entries, length and first id agree, whatever block limits the run picked. Deleting the
/// key gives back the stream's directory (<see cref="StreamStoreTests"/> checks its chunks).
/// </summary>
public sealed class StreamModelProperties
{
    private static readonly (int Entries, int Bytes)[] BlockLimits = [(1, 0), (2, 4096), (3, 64), (100, 4096), (0, 200), (7, 0)];

    [Property(MaxTest = 150)]
    public Property The_store_behaves_as_a_sorted_list(int seed)
    {
        var random = new Random(seed);
        var keys = new KeySpace(new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next())));
        var (entries, bytes) = BlockLimits[random.Next(BlockLimits.Length)];
        // The object table keeps its capacity after a delete: measure once one stream came and went.
        keys.Streams.Create(ref keys.GetOrAdd("s"u8, out _));
        keys.Delete("s"u8);
        var before = keys.Streams.UsedBytes;
        var model = new SortedList<StreamId, string>();
        var last = StreamId.Zero;
        for (var step = 0; step < 300; step++)
        {
            if (!Step(keys, model, ref last, random, entries, bytes, out var what))
            {
                return false.Label($"seed {seed}, limits {entries}/{bytes}, step {step}: {what}");
            }
        }

        keys.Delete("s"u8);
        return (keys.Streams.UsedBytes == before && keys.Streams.Count == 0)
            .Label($"seed {seed}: {keys.Streams.UsedBytes - before} directory bytes left after the delete");
    }

    private static bool Step(KeySpace keys, SortedList<StreamId, string> model, ref StreamId last, Random random, int maxEntries, int maxBytes, out string what)
    {
        var key = "s"u8;
        ref var entry = ref keys.Lookup(key);
        if (Unsafe.IsNullRef(ref entry))
        {
            entry = ref keys.GetOrAdd(key, out _);
            keys.Streams.Create(ref entry);
        }

        var stream = keys.Streams.Get(entry);
        var op = random.Next(10);
        what = $"op {op}";
        switch (op)
        {
            case 0:
            case 1:
            case 2:
                var id = random.Next(3) == 0 ? new StreamId(last.Ms + (ulong)random.Next(1, 5), 0) : new StreamId(last.Ms, last.Seq + 1);
                var value = random.Next(5) == 0 ? new string('v', random.Next(100, 900)) : $"v{random.Next(100)}";
                var field = Encoding.ASCII.GetBytes("f");
                var data = Encoding.ASCII.GetBytes(value);
                var into = stream.Append(id, 1, StreamBytes.StringSize(1) + StreamBytes.StringSize(data.Length), maxEntries, maxBytes);
                var at = StreamBytes.WriteString(into, field);
                StreamBytes.WriteString(into[at..], data);
                model.Add(id, value);
                last = id;
                break;
            case 3:
                var victim = model.Count > 0 && random.Next(4) != 0 ? model.Keys[random.Next(model.Count)] : new StreamId(last.Ms + 1, 7);
                if (stream.Delete(victim) != model.Remove(victim))
                {
                    what = $"delete of {victim}";
                    return false;
                }

                break;
            case 4:
                var approximate = random.Next(2) == 0;
                var maxLength = random.Next(model.Count + 2);
                var removed = stream.Trim(byLength: true, maxLength, StreamId.Zero, approximate, limit: 0);
                if (!approximate && removed != Math.Max(0, model.Count - maxLength))
                {
                    what = $"trim to {maxLength} removed {removed}";
                    return false;
                }

                if (approximate && model.Count - removed < Math.Min(maxLength, model.Count))
                {
                    what = $"approximate trim to {maxLength} went below it";
                    return false;
                }

                for (var i = 0; i < removed; i++)
                {
                    model.RemoveAt(0);
                }

                break;
            case 5:
                var minId = model.Count > 0 ? model.Keys[random.Next(model.Count)] : last;
                var exact = random.Next(2) == 0;
                var dropped = stream.Trim(byLength: false, 0, minId, !exact, limit: 0);
                var below = model.Keys.Count(k => k < minId);
                if (exact ? dropped != below : dropped > below)
                {
                    what = $"trim below {minId} removed {dropped} of {below}";
                    return false;
                }

                for (var i = 0; i < dropped; i++)
                {
                    model.RemoveAt(0);
                }

                break;
            case 6:
                var wire = keys.Export(key)!.Value;
                keys.Apply(key, wire with { Version = new EntryVersion(wire.Version.Clock + 1_000_000, 9) });
                break;
            case 7:
                var groups = new StreamGroups();
                var group = new StreamGroup(Encoding.ASCII.GetBytes($"g{random.Next(3)}"), last, random.Next(-1, 5));
                var consumer = group.GetOrAddConsumer("c"u8, 42, out _);
                foreach (var pendingId in model.Keys.Take(random.Next(4)))
                {
                    group.AddPending(pendingId, consumer, 7, out _);
                }

                groups.TryAdd(group);
                stream.SetGroups(groups.Encode());
                var back = StreamGroups.Decode(stream.Groups);
                if (back.All.Count != 1 || back.All[0].Pending.Count != group.Pending.Count || back.All[0].EntriesRead != group.EntriesRead
                    || back.All[0].LastId != last || back.All[0].Consumers[0].SeenTime != 42)
                {
                    what = "groups round trip";
                    return false;
                }

                break;
            default:
                if (!SameBackwards(stream, model))
                {
                    what = "backward walk";
                    return false;
                }

                break;
        }

        stream = keys.Streams.Get(keys.Lookup(key));
        if (stream.Length != model.Count || stream.LastId != last || stream.FirstId != (model.Count > 0 ? model.Keys[0] : StreamId.Zero))
        {
            what += $": length {stream.Length} vs {model.Count}, first {stream.FirstId}";
            return false;
        }

        if (!SameForwards(stream, model))
        {
            what += ": forward walk";
            return false;
        }

        return true;
    }

    private static bool SameForwards(StreamValue stream, SortedList<StreamId, string> model)
    {
        var i = 0;
        if (stream.SeekForward(StreamId.Zero, out var position))
        {
            do
            {
                if (i >= model.Count || !Same(stream.Read(position), model.Keys[i], model.Values[i]))
                {
                    return false;
                }

                i++;
            }
            while (stream.MoveNext(ref position));
        }

        return i == model.Count;
    }

    private static bool SameBackwards(StreamValue stream, SortedList<StreamId, string> model)
    {
        var i = model.Count - 1;
        if (stream.SeekBackward(StreamId.Max, out var position))
        {
            do
            {
                if (i < 0 || !Same(stream.Read(position), model.Keys[i], model.Values[i]))
                {
                    return false;
                }

                i--;
            }
            while (stream.MovePrevious(ref position));
        }

        return i == -1;
    }

    private static bool Same(StreamEntry entry, StreamId id, string value)
    {
        if (entry.Id != id || entry.FieldCount != 1)
        {
            return false;
        }

        var at = StreamBytes.ReadString(entry.Pairs, 0, out var field);
        StreamBytes.ReadString(entry.Pairs, at, out var data);
        return field.SequenceEqual("f"u8) && Encoding.ASCII.GetString(data) == value;
    }
}
