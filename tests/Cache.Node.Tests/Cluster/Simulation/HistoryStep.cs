using FsCheck;
using FsCheck.Fluent;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// One step of a generated history: a client command sent to an owner of the key (picked by
/// <c>Via</c> among the owners that are up), a fault, or time passing. Printed the way a person
/// would write the step down, so a shrunk counterexample reads as a short story.
/// </summary>
internal abstract record HistoryStep
{
    public const int Keys = 8;

    /// <summary>After the string keys: a list (sharing the first keys' slot), a set and a sorted set.</summary>
    public const int CollectionKeys = 3;

    public const int AllKeys = Keys + CollectionKeys;
    /// <summary>Nodes n0..n4; n0..n3 start as members, n4 can join.</summary>
    public const int Nodes = 5;

    public const int FirstMembers = 4;

    /// <summary>The first four keys share one hash slot (a hash tag), so slots hold several keys and differ in some of them.</summary>
    public static string KeyName(int key) => key switch
    {
        < 4 => $"{{t}}k{key}",
        < Keys => $"k{key}",
        Keys => "{t}list",
        Keys + 1 => "set",
        _ => "zset",
    };

    /// <summary>FsCheck's generator and shrinker for whole histories.</summary>
    public static Arbitrary<HistoryStep[]> Histories(int maxSteps) =>
        Arb.From(Gen.Choose(1, maxSteps).SelectMany(n => Step().ArrayOf(n)), Shrink);

    private static Gen<HistoryStep> Step()
    {
        var key = Gen.Choose(0, Keys - 1);
        var anyKey = Gen.Choose(0, AllKeys - 1);
        var node = Gen.Choose(0, Nodes - 1);
        var via = Gen.Choose(0, 5);
        return Gen.Frequency(
            (30, from k in key
                 from v in Gen.Choose(1, 999)
                 from ttl in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(100, 4000)))
                 from p in via
                 select (HistoryStep)new Write(k, v, ttl, p)),
            (24, from k in Gen.Choose(Keys, AllKeys - 1)
                 from op in Gen.Choose(0, 34)
                 from m in Gen.Choose(0, 11)
                 from p in via
                 select (HistoryStep)new CollectionOp(k, op, m, p)),
            (8, from k in anyKey from p in via select (HistoryStep)new Delete(k, p)),
            (4, from k in anyKey from ttl in Gen.Choose(100, 4000) from p in via select (HistoryStep)new Expire(k, ttl, p)),
            (2, from k in anyKey from p in via select (HistoryStep)new Persist(k, p)),
            (16, Gen.Choose(1, 2500).Select(ms => (HistoryStep)new Wait(ms))),
            (4, from drop in Gen.Choose(0, 60) from dup in Gen.Choose(0, 30) from delay in Gen.Choose(0, 800) select (HistoryStep)new Faults(drop, dup, delay)),
            (3, Gen.Choose(1, (1 << Nodes) - 2).Select(side => (HistoryStep)new Partition(side))),
            (3, Gen.Constant((HistoryStep)new Heal())),
            (3, node.Select(n => (HistoryStep)new Pause(n))),
            (3, node.Select(n => (HistoryStep)new Resume(n))),
            (2, node.Select(n => (HistoryStep)new Kill(n))),
            (2, node.Select(n => (HistoryStep)new RestartEmpty(n))),
            (2, node.Select(n => (HistoryStep)new Join(n))),
            (2, node.Select(n => (HistoryStep)new Leave(n))));
    }

    // Drop one step at a time (shorter stories first), then shorten waits.
    private static IEnumerable<HistoryStep[]> Shrink(HistoryStep[] history)
    {
        for (var i = 0; i < history.Length; i++)
        {
            yield return [.. history[..i], .. history[(i + 1)..]];
        }

        for (var i = 0; i < history.Length; i++)
        {
            if (history[i] is Wait { Ms: > 1 } wait)
            {
                var shorter = (HistoryStep[])history.Clone();
                shorter[i] = new Wait(wait.Ms / 2);
                yield return shorter;
            }
        }
    }

    public sealed record Write(int Key, int Value, int TtlMs, int Via) : HistoryStep
    {
        public override string ToString() => $"SET {KeyName(Key)} v{Value}{(TtlMs > 0 ? $" PX {TtlMs}" : "")} via owner #{Via}";
    }

    /// <summary>A command on a collection key, run through its handler: replicated as deltas (SPOP as the SREM of what it popped).</summary>
    public sealed record CollectionOp(int Key, int Op, int Member, int Via) : HistoryStep
    {
        public string[] Arguments()
        {
            var (key, m, m2) = (KeyName(Key), $"m{Member}", $"m{(Member + 5) % 12}");
            return Key switch
            {
                HistoryStep.Keys => (Op % 7) switch
                {
                    0 => ["LPUSH", key, m],
                    1 => ["RPUSH", key, m, m2],
                    2 => ["LPOP", key],
                    3 => ["RPOP", key, "2"],
                    4 => ["LREM", key, "0", m],
                    5 => ["LTRIM", key, "0", "5"],
                    _ => ["LSET", key, "0", m],
                },
                HistoryStep.Keys + 1 => (Op % 5) switch
                {
                    0 or 1 => ["SADD", key, m, m2],
                    2 => ["SREM", key, m],
                    3 => ["SADD", key, m],
                    _ => ["SPOP", key],
                },
                _ => (Op % 5) switch
                {
                    0 => ["ZADD", key, $"{Member % 4}", m],
                    1 => ["ZINCRBY", key, "1.5", m],
                    2 => ["ZREM", key, m],
                    3 => ["ZPOPMIN", key],
                    _ => ["ZREMRANGEBYRANK", key, "0", "0"],
                },
            };
        }

        public override string ToString() => $"{string.Join(' ', Arguments())} via owner #{Via}";
    }

    public sealed record Delete(int Key, int Via) : HistoryStep
    {
        public override string ToString() => $"DEL {KeyName(Key)} via owner #{Via}";
    }

    public sealed record Expire(int Key, int TtlMs, int Via) : HistoryStep
    {
        public override string ToString() => $"PEXPIRE {KeyName(Key)} {TtlMs} via owner #{Via}";
    }

    public sealed record Persist(int Key, int Via) : HistoryStep
    {
        public override string ToString() => $"PERSIST {KeyName(Key)} via owner #{Via}";
    }

    public sealed record Wait(int Ms) : HistoryStep
    {
        public override string ToString() => $"wait {Ms} ms";
    }

    public sealed record Faults(int DropPercent, int DuplicatePercent, int MaxDelayMs) : HistoryStep
    {
        public override string ToString() => $"replication now drops {DropPercent}%, duplicates {DuplicatePercent}%, delays (and so reorders) up to {MaxDelayMs} ms";
    }

    public sealed record Partition(int Side) : HistoryStep
    {
        public override string ToString() =>
            $"partition {{{string.Join(",", Enumerable.Range(0, Nodes).Where(n => (Side & (1 << n)) != 0).Select(n => $"n{n}"))}}} from the rest";
    }

    public sealed record Heal : HistoryStep
    {
        public override string ToString() => "heal the partition";
    }

    public sealed record Pause(int Node) : HistoryStep
    {
        public override string ToString() => $"pause n{Node}";
    }

    public sealed record Resume(int Node) : HistoryStep
    {
        public override string ToString() => $"resume n{Node}";
    }

    public sealed record Kill(int Node) : HistoryStep
    {
        public override string ToString() => $"kill n{Node}";
    }

    public sealed record Join(int Node) : HistoryStep
    {
        public override string ToString() => $"n{Node} joins (empty)";
    }

    public sealed record Leave(int Node) : HistoryStep
    {
        public override string ToString() => $"n{Node} leaves (gracefully if it runs, else removed as dead)";
    }

    public sealed record RestartEmpty(int Node) : HistoryStep
    {
        public override string ToString() => $"restart n{Node} empty";
    }
}
