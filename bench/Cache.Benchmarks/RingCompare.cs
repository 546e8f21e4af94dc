using System.Diagnostics;
using System.Globalization;
using Cache.Gossip.Ring;

namespace Cache.Benchmarks;

/// <summary>
/// `ring-compare`: the product's slot table (<see cref="SlotMap.Build"/>, weighted rendezvous
/// hashing with bounded loads) next to a classic virtual-node ring (<see cref="VirtualNodeRing"/>)
/// with 16, 64 and 256 points per node, 3 copies per slot, at 3, 10, 30 and 100 nodes. Prints one
/// Markdown table: balance (max/mean slots per node, primaries and all copies), the share of
/// slots whose owner set or primary changes when one node joins or leaves (mean of
/// <see cref="Trials"/> different joiners and leavers), build time (median), bytes allocated by
/// one build, and the bytes kept to answer "owners of slot s" in O(1).
/// </summary>
internal static class RingCompare
{
    private const int Replicas = 3;
    private const int Trials = 3;
    private const int TimedBuilds = 7;
    private static readonly int[] Sizes = [3, 10, 30, 100];
    private static readonly int[] PointsPerNode = [16, 64, 256];

    public static void Run(TextWriter output)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        output.WriteLine(Invariant($"{HashSlot.Count} slots, {Replicas} copies, equal weights; movement = mean of {Trials} joins / {Trials} leaves; build = median of {TimedBuilds}; load before: {load}"));
        output.WriteLine();
        output.WriteLine("| nodes | method | primaries max/mean | all copies max/mean | join: sets moved | join: primaries moved | leave: sets moved | leave: primaries moved | build ms | build alloc KiB | kept KiB |");
        output.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var methods = new List<Method> { Rendezvous() };
        methods.AddRange(PointsPerNode.Select(VirtualNodes));
        foreach (var n in Sizes)
        {
            var copies = Math.Min(Replicas, n);
            output.WriteLine(Invariant(
                $"| {n} | *ideal* | 1.000 | 1.000 | {Pct(Math.Min(1.0, (double)copies / (n + 1)))} | {Pct(1.0 / (n + 1))} | {Pct(Math.Min(1.0, (double)copies / n))} | {Pct(1.0 / n)} | | | |"));
            foreach (var method in methods)
            {
                output.WriteLine(Measure(method, n));
            }
        }
    }

    private static Method Rendezvous() => new(
        "rendezvous, bounded 1.05 (product)",
        members => SlotMap.Build(members, Replicas),
        built =>
        {
            var map = (SlotMap)built;
            var owners = new int[HashSlot.Count * map.Replicas];
            for (var slot = 0; slot < HashSlot.Count; slot++)
            {
                map.OwnerIndices(slot).CopyTo(owners.AsSpan(slot * map.Replicas));
            }

            return new Layout(owners, map.Nodes, map.Replicas, owners.Length * sizeof(int));
        });

    private static Method VirtualNodes(int points) => new(
        Invariant($"virtual nodes, V={points}"),
        members =>
        {
            var ring = new VirtualNodeRing(members, points);
            return (members, ring, ring.AssignSlots(Math.Min(Replicas, members.Length)));
        },
        built =>
        {
            var (members, ring, owners) = ((RingNode[], VirtualNodeRing, int[]))built;
            return new Layout(owners, members, Math.Min(Replicas, members.Length), ring.RingBytes + (owners.Length * sizeof(int)));
        });

    private static string Measure(Method method, int n)
    {
        var members = Members(Enumerable.Range(0, n));
        var (ms, allocated) = TimeBuild(method, members);
        var layout = method.Read(method.Build(members));
        var (primaryBalance, copyBalance) = Balance(layout);

        double joinSets = 0, joinPrimaries = 0, leaveSets = 0, leavePrimaries = 0;
        for (var t = 0; t < Trials; t++)
        {
            var joined = method.Read(method.Build(Members(Enumerable.Range(0, n).Append(n + t))));
            var (sets, primaries) = Moved(layout, joined);
            joinSets += sets / Trials;
            joinPrimaries += primaries / Trials;

            var leaver = t * (n - 1) / (Trials - 1);
            var left = method.Read(method.Build(Members(Enumerable.Range(0, n).Where(i => i != leaver))));
            (sets, primaries) = Moved(layout, left);
            leaveSets += sets / Trials;
            leavePrimaries += primaries / Trials;
        }

        return Invariant(
            $"| {n} | {method.Name} | {primaryBalance:F3} | {copyBalance:F3} | {Pct(joinSets)} | {Pct(joinPrimaries)} | {Pct(leaveSets)} | {Pct(leavePrimaries)} | {ms:F1} | {allocated / 1024.0:F0} | {layout.KeptBytes / 1024.0:F0} |");
    }

    private static (double Ms, long Allocated) TimeBuild(Method method, RingNode[] members)
    {
        method.Build(members); // JIT and caches
        var before = GC.GetAllocatedBytesForCurrentThread();
        method.Build(members);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var times = new double[TimedBuilds];
        for (var i = 0; i < TimedBuilds; i++)
        {
            var start = Stopwatch.GetTimestamp();
            method.Build(members);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return (times[TimedBuilds / 2], allocated);
    }

    // Max over mean of the slots each node holds: as primary, and counting every copy.
    private static (double Primaries, double Copies) Balance(Layout layout)
    {
        var primaries = new int[layout.Nodes.Count];
        var copies = new int[layout.Nodes.Count];
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            primaries[layout.Owners[slot * layout.Copies]]++;
            for (var rank = 0; rank < layout.Copies; rank++)
            {
                copies[layout.Owners[(slot * layout.Copies) + rank]]++;
            }
        }

        var nodes = (double)layout.Nodes.Count;
        return (primaries.Max() / (HashSlot.Count / nodes), copies.Max() / (HashSlot.Count * layout.Copies / nodes));
    }

    // Share of slots whose owner set (order ignored) changed, and whose primary changed.
    private static (double Sets, double Primaries) Moved(Layout before, Layout after)
    {
        int setsMoved = 0, primariesMoved = 0;
        Span<string> a = new string[Replicas];
        Span<string> b = new string[Replicas];
        for (var slot = 0; slot < HashSlot.Count; slot++)
        {
            var ca = before.Copies;
            var cb = after.Copies;
            for (var rank = 0; rank < ca; rank++)
            {
                a[rank] = before.Nodes[before.Owners[(slot * ca) + rank]].Id;
            }

            for (var rank = 0; rank < cb; rank++)
            {
                b[rank] = after.Nodes[after.Owners[(slot * cb) + rank]].Id;
            }

            if (!string.Equals(a[0], b[0], StringComparison.Ordinal))
            {
                primariesMoved++;
            }

            a[..ca].Sort(StringComparer.Ordinal);
            b[..cb].Sort(StringComparer.Ordinal);
            if (ca != cb || !a[..ca].SequenceEqual(b[..cb]))
            {
                setsMoved++;
            }
        }

        return ((double)setsMoved / HashSlot.Count, (double)primariesMoved / HashSlot.Count);
    }

    // Named as the nodes name themselves (host:port), as in RingLookupBenchmarks.
    private static RingNode[] Members(IEnumerable<int> numbers) => [.. numbers.Select(i => new RingNode(Invariant($"127.0.0.1:{7000 + i}")))];

    private static string Pct(double fraction) => Invariant($"{fraction * 100:F1} %");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Method(string Name, Func<RingNode[], object> Build, Func<object, Layout> Read);

    private sealed record Layout(int[] Owners, IReadOnlyList<RingNode> Nodes, int Copies, long KeptBytes);
}
