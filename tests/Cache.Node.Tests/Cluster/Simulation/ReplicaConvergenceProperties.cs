using System.Text;
using Cache.Node.Storage;
using FsCheck;
using FsCheck.Fluent;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// Issue 6's consistency properties over random histories on the simulated network (see
/// <see cref="ReplicaSimulation"/>): after the faults stop and one anti-entropy pass between every
/// pair of members, every owner of a key holds the same entry; that entry is the model's — per
/// key the highest-versioned write still held by a member, absent when deleted or expired; no
/// acknowledged write is lost while a node that confirmed it is still a member with its memory
/// (owner or not: a node that lost the slot hands it on); and a second pass finds nothing to repair.
/// Collections (a list, a set, a sorted set) are written by their commands and replicate by
/// change (deltas, refused and sent whole when a replica lacks the base): their owners hold the
/// same version, expiry and elements as the model's last write. CI runs 300 cases; <c>GOSSIPCACHE_PROPERTY_CASES</c> runs more (README).
/// </summary>
public sealed class ReplicaConvergenceProperties
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("GOSSIPCACHE_PROPERTY_CASES"), out var cases) && cases > 0 ? cases : 300;

    [Fact]
    public void Owners_converge_to_the_last_writer_wins_model_after_any_history()
    {
        var property = Prop.ForAll(HistoryStep.Histories(40), Arb.From(Gen.Choose(0, 1_000_000)), (history, seed) => { RunHistory(history, seed); });
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property);
    }

    [Fact]
    public void Collections_written_by_change_converge_after_lost_duplicated_and_reordered_deltas()
    {
        // Histories of collection commands under faults only (no membership changes): most writes
        // go as deltas, and the lossy network makes replicas refuse some and take the full value.
        var step = Gen.Frequency(
            (12, from k in Gen.Choose(HistoryStep.Keys, HistoryStep.AllKeys - 1)
                 from op in Gen.Choose(0, 34)
                 from m in Gen.Choose(0, 11)
                 from via in Gen.Choose(0, 5)
                 select (HistoryStep)new HistoryStep.CollectionOp(k, op, m, via)),
            (2, from k in Gen.Choose(HistoryStep.Keys, HistoryStep.AllKeys - 1) from via in Gen.Choose(0, 5) select (HistoryStep)new HistoryStep.Delete(k, via)),
            (3, Gen.Choose(1, 400).Select(ms => (HistoryStep)new HistoryStep.Wait(ms))),
            (2, from drop in Gen.Choose(0, 50) from dup in Gen.Choose(0, 30) from delay in Gen.Choose(0, 300) select (HistoryStep)new HistoryStep.Faults(drop, dup, delay)),
            (1, Gen.Choose(0, HistoryStep.Nodes - 1).Select(n => (HistoryStep)new HistoryStep.Pause(n))),
            (1, Gen.Choose(0, HistoryStep.Nodes - 1).Select(n => (HistoryStep)new HistoryStep.Resume(n))));
        var applied = 0;
        var refused = 0;
        var property = Prop.ForAll(Arb.From(Gen.Choose(1, 60).SelectMany(n => step.ArrayOf(n))), Arb.From(Gen.Choose(0, 1_000_000)), (history, seed) =>
        {
            var counts = RunHistory(history, seed).DeltaCounts;
            (applied, refused) = (applied + counts.Applied, refused + counts.Refused);
        });
        FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(Cases), property);

        // The runs did exercise both paths.
        Assert.True(applied > Cases, $"{applied} deltas applied over {Cases} histories");
        Assert.True(refused > 0, "no delta was ever refused");
    }

    /// <summary>Runs one history and throws, saying what differs, when a property fails.</summary>
    internal static ReplicaSimulation RunHistory(HistoryStep[] history, int seed)
    {
        ReplicaSimulation? world = null;
        ReplicaSimulation.OnThisThread(() => world = RunAndCheck(history, seed));
        return world!;
    }

    private static ReplicaSimulation RunAndCheck(HistoryStep[] history, int seed)
    {
        var world = new ReplicaSimulation(seed);
        world.Run(history);
        world.StopFaults();
        world.AntiEntropyPass();
        if (world.Errors.Count > 0)
        {
            Fail(seed, $"background work failed: {world.Errors[0]}");
        }

        var now = world.Nodes[0].Keys.NowMs;
        for (var k = 0; k < HistoryStep.Keys; k++)
        {
            var key = HistoryStep.KeyName(k);
            var bytes = Encoding.ASCII.GetBytes(key);
            var owners = world.OwnersOf(key);
            var held = owners.Select(o => (Node: o, Entry: Export(o, bytes))).ToArray();
            foreach (var (node, entry) in held.Skip(1))
            {
                if (!Same(entry, held[0].Entry))
                {
                    Fail(seed, $"{key}: owners disagree: {held[0].Node} holds {Describe(held[0].Entry)}, {node} holds {Describe(entry)}");
                }
            }

            // First, without the model: an acknowledged write survives while a node that confirmed
            // it is still a member with the same memory and has not handed it on to the owners.
            foreach (var write in world.Writes.Where(w => w.Key == key && w.Acknowledged && w.Holders.Any(h => Kept(world, h.Node, h.Incarnation, w))))
            {
                if (held[0].Entry is not { } final || final.Version < write.Entry.Version)
                {
                    Fail(seed, $"{key}: acknowledged write {Describe(write.Entry)} held by {string.Join(",", write.Holders.Select(h => h.Node))} was lost; owners hold {Describe(held[0].Entry)}");
                }
            }

            // Whatever left with a departed node is gone; everything a member holds must be kept.
            var model = world.Members.Select(n => n.Shadow.TryGetValue(key, out var e) ? e : (ReplicatedEntry?)null)
                .Where(e => e is not null).MaxBy(e => e!.Value.Version);
            var actual = held[0].Entry;
            if (model?.Version != actual?.Version)
            {
                Fail(seed, $"{key}: owners hold {Describe(actual)}, the model's last write is {Describe(model)}");
            }

            if (Visible(model, now) is { } expected && (Visible(actual, now) is not { } seen || !seen.Value.Span.SequenceEqual(expected.Value.Span) || seen.ExpiresAt != expected.ExpiresAt))
            {
                Fail(seed, $"{key}: owners show {Describe(actual)}, the model shows {Describe(model)}");
            }

            if (Visible(model, now) is null && Visible(actual, now) is not null)
            {
                Fail(seed, $"{key}: owners show {Describe(actual)}, but the model's last write {Describe(model)} deleted or expired it");
            }

        }

        for (var k = HistoryStep.Keys; k < HistoryStep.AllKeys; k++)
        {
            CheckCollection(world, HistoryStep.KeyName(k), seed, now);
        }

        foreach (var (node, peer, result) in world.AntiEntropyPass())
        {
            if (result.SlotsDiffering != 0)
            {
                Fail(seed, $"a second anti-entropy pass still found {result.SlotsDiffering} slots differing between {node} and {peer}");
            }
        }

        if (world.Errors.Count > 0)
        {
            Fail(seed, $"background work failed: {world.Errors[0]}");
        }

        return world;
    }

    // A collection's owners hold the same version, expiry and elements (a set's in any order: its
    // wire form follows each copy's own table), and those are the model's last write's.
    private static void CheckCollection(ReplicaSimulation world, string key, int seed, long now)
    {
        var bytes = Encoding.ASCII.GetBytes(key);
        var owners = world.OwnersOf(key);
        var held = owners.Select(o => (Node: o, Entry: Visible(Export(o, bytes), now), Seen: Read(o, key))).ToArray();
        foreach (var (node, entry, seen) in held)
        {
            if (entry?.Version != held[0].Entry?.Version || entry?.ExpiresAt != held[0].Entry?.ExpiresAt || seen != held[0].Seen)
            {
                Fail(seed, $"{key}: owners disagree: {held[0].Node} holds {held[0].Seen.Replace("\r\n", " ")} @{held[0].Entry?.Version}, {node} holds {seen.Replace("\r\n", " ")} @{entry?.Version}");
            }
        }

        var model = Visible(world.Members.Select(n => n.Shadow.TryGetValue(key, out var e) ? e : (ReplicatedEntry?)null)
            .Where(e => e is not null).MaxBy(e => e!.Value.Version), now);
        var expected = model is { } last ? ReadAlone(world, key, last) : Read(null, key);
        if (model?.Version != held[0].Entry?.Version || expected != held[0].Seen)
        {
            Fail(seed, $"{key}: owners hold {held[0].Seen.Replace("\r\n", " ")} @{held[0].Entry?.Version}, the model's last write is {expected.Replace("\r\n", " ")} @{model?.Version}");
        }
    }

    // The elements as a client reads them (a set's sorted); a node of null reads an empty server.
    private static string Read(SimReplica? node, string key)
    {
        node ??= new SimReplica("scratch", 99, TimeProvider.System);
        string[] args = key switch
        {
            "set" => ["SMEMBERS", key],
            "zset" => ["ZRANGE", key, "0", "-1", "WITHSCORES"],
            _ => ["LRANGE", key, "0", "-1"],
        };
        using (node.Keys.Enter())
        {
            node.Output.Clear();
            var request = Cache.Node.Resp.QueuedRequest.From([.. args.Select(a => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes(a))]);
            node.Session.Run(node.Session.Server.Commands.Find(Encoding.ASCII.GetBytes(args[0]))!, request.AsRequest());
            var reply = Encoding.ASCII.GetString(node.Output.WrittenSpan);
            node.Output.Clear();
            return key == "set" ? string.Join("\r\n", reply.Split("\r\n").Order(StringComparer.Ordinal)) : reply;
        }
    }

    private static string ReadAlone(ReplicaSimulation world, string key, ReplicatedEntry entry)
    {
        var alone = new SimReplica("model", 98, world.Clock);
        using (alone.Keys.Enter())
        {
            alone.Keys.Apply(Encoding.ASCII.GetBytes(key), entry);
        }

        return Read(alone, key);
    }

    private static bool Kept(ReplicaSimulation world, SimReplica node, int incarnation, SimWrite write) =>
        world.Members.Contains(node) && node.Incarnation == incarnation
        && !(node.HandedOff.TryGetValue(write.Key, out var handed) && handed >= write.Entry.Version);

    private static ReplicatedEntry? Export(SimReplica node, byte[] key)
    {
        using (node.Keys.Enter())
        {
            return node.Keys.Export(key);
        }
    }

    private static ReplicatedEntry? Visible(ReplicatedEntry? entry, long now) =>
        entry is { IsTombstone: false } live && (live.ExpiresAt == 0 || live.ExpiresAt > now) ? live : null;

    private static bool Same(ReplicatedEntry? a, ReplicatedEntry? b) =>
        a is null ? b is null : b is not null && EntryMerge.Compare(a.Value, b.Value) == 0;

    private static string Describe(ReplicatedEntry? entry) => entry switch
    {
        null => "nothing",
        { IsTombstone: true } e => $"a tombstone @{e.Version.Clock}/{e.Version.Node}",
        { } e => $"\"{Encoding.ASCII.GetString(e.Value.Span)}\"{(e.ExpiresAt != 0 ? $" expiring at {e.ExpiresAt}" : "")} @{e.Version.Clock}/{e.Version.Node}",
    };

    private static void Fail(int seed, string message) => throw new Xunit.Sdk.XunitException($"{message} (simulation seed {seed})");
}
