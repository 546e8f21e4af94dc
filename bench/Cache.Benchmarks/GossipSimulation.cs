using System.Diagnostics;
using System.Globalization;
using Cache.Gossip;
using Cache.Gossip.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Benchmarks;

/// <summary>
/// Simulated gossip clusters with LAN settings on one deterministic clock: time until every node
/// knows of a join and of a failure, bytes per node per second, and false positives per node-hour
/// under packet loss and with one slow node, with and without the Lifeguard extensions.
/// Run: <c>dotnet run -c Release --project bench/Cache.Benchmarks -- gossip-sim</c> (see GossipResults.md).
/// </summary>
public static class GossipSimulation
{
    private static readonly DateTimeOffset Start = new(2031, 3, 14, 15, 9, 26, TimeSpan.Zero);

    /// <summary>Writes the result tables as Markdown; a zero false-positive duration skips that table.</summary>
    public static void Run(TextWriter output, int[]? sizes = null, TimeSpan? fpDuration = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        sizes ??= [16, 64, 256, 1024];
        var fp = fpDuration ?? TimeSpan.FromMinutes(30);
        foreach (var loss in new[] { 0.0, 0.01 })
        {
            output.WriteLine(Inv($"Packet loss {loss:P0}, latency 1-3 ms:"));
            output.WriteLine();
            output.WriteLine("| nodes | join known by all (s) | failure known by all (s) | first suspicion (s) | UDP+TCP bytes/node/s (steady) | wall (s) |");
            output.WriteLine("|---:|---:|---:|---:|---:|---:|");
            foreach (var n in sizes)
            {
                var wall = Stopwatch.StartNew();
                var r = Convergence(n, seed: n, loss);
                output.WriteLine(Inv($"| {n} | {r.Join:F2} | {r.Failure:F2} | {r.FirstSuspicion:F2} | {r.BytesPerNodePerSecond:F0} | {wall.Elapsed.TotalSeconds:F1} |"));
                output.Flush();
            }

            output.WriteLine();
        }

        if (fp <= TimeSpan.Zero)
        {
            return;
        }

        output.WriteLine(Inv($"False positives over {fp.TotalMinutes:F0} simulated minutes; every node runs, so every Suspected or Failed event"));
        output.WriteLine("is false (events summed over all observers, divided by node-hours):");
        output.WriteLine();
        output.WriteLine("| nodes | scenario | Lifeguard | suspected events / node-h | failed events / node-h |");
        output.WriteLine("|---:|---|---|---:|---:|");
        foreach (var n in sizes.Where(s => s <= 256))
        {
            foreach (var (scenario, loss, slow, tcp) in new[]
            {
                ("1% loss", 0.01, false, true), ("10% loss", 0.10, false, true), ("10% loss, no TCP fallback ping", 0.10, false, false),
                ("one slow node (1.5 s processing delay)", 0.0, true, true),
            })
            {
                foreach (var lifeguard in new[] { true, false })
                {
                    var (s, d) = FalsePositives(n, loss, slow, tcp, lifeguard, fp, seed: n + 7);
                    output.WriteLine(Inv($"| {n} | {scenario} | {(lifeguard ? "on" : "off")} | {s:F2} | {d:F3} |"));
                    output.Flush();
                }
            }
        }
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed record ConvergenceResult(double Join, double Failure, double FirstSuspicion, double BytesPerNodePerSecond);

    private static (SimulationClock Clock, SimulatedNetwork Net, List<GossipNode> Nodes) Build(int n, int seed, Action<GossipOptions>? configure = null)
    {
        var clock = new SimulationClock(Start);
        var net = new SimulatedNetwork(clock, seed) { Latency = TimeSpan.FromMilliseconds(1), Jitter = TimeSpan.FromMilliseconds(2) };
        var nodes = new List<GossipNode>(n);
        for (var i = 0; i < n; i++)
        {
            var node = NewNode(clock, net, $"n{i:D4}", seed * 10_007 + i, configure);
            if (i > 0)
            {
                node.StartJoin(nodes[Math.Min(i - 1, 9)].Name);
            }

            nodes.Add(node);
            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Until(clock, () => nodes.All(x => x.Members.CountIn(MemberState.Alive) == n), TimeSpan.FromMinutes(5));
        clock.Advance(TimeSpan.FromSeconds(30)); // let join rumours finish
        return (clock, net, nodes);
    }

    private static GossipNode NewNode(SimulationClock clock, SimulatedNetwork net, string name, int seed, Action<GossipOptions>? configure)
    {
        var o = GossipOptions.Lan();
        o.NodeName = name;
        o.RandomSeed = seed;
        configure?.Invoke(o);
        var node = new GossipNode(o, net.CreateTransport(name), clock);
        _ = node.StartAsync();
        return node;
    }

    private static double Until(SimulationClock clock, Func<bool> condition, TimeSpan limit)
    {
        var start = clock.Elapsed;
        while (!condition())
        {
            if (clock.Elapsed - start > limit)
            {
                return double.NaN;
            }

            clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        return (clock.Elapsed - start).TotalSeconds;
    }

    private static ConvergenceResult Convergence(int n, int seed, double loss)
    {
        var (clock, net, nodes) = Build(n - 1, seed);
        net.PacketLoss = loss;

        // Steady state traffic over one minute.
        var before = net.BytesSent + net.StreamBytesSent;
        clock.Advance(TimeSpan.FromSeconds(60));
        var bytesPerNodeSecond = (net.BytesSent + net.StreamBytesSent - before) / (double)(n - 1) / 60.0;

        // One more node joins through a random member.
        var joiner = NewNode(clock, net, "joiner", seed * 31, null);
        joiner.StartJoin(nodes[n / 3].Name);
        nodes.Add(joiner);
        var join = Until(clock, () => nodes.All(x => x.Members["joiner"]?.State == MemberState.Alive), TimeSpan.FromMinutes(2));
        clock.Advance(TimeSpan.FromSeconds(30));

        // One node is killed.
        var victim = nodes[n / 2];
        net.Kill(victim.Name);
        _ = victim.DisposeAsync();
        var rest = nodes.Where(x => x != victim).ToList();
        var firstSuspicion = double.NaN;
        var t0 = clock.Elapsed;
        var failure = Until(clock, () =>
        {
            if (double.IsNaN(firstSuspicion) && rest.Any(x => x.Members[victim.Name]?.State == MemberState.Suspect))
            {
                firstSuspicion = (clock.Elapsed - t0).TotalSeconds;
            }

            return rest.All(x => x.Members[victim.Name] is not { State: MemberState.Alive or MemberState.Suspect });
        }, TimeSpan.FromMinutes(2));
        foreach (var x in rest)
        {
            _ = x.DisposeAsync();
        }

        return new ConvergenceResult(join, failure, firstSuspicion, bytesPerNodeSecond);
    }

    private static (double SuspicionsPerNodeHour, double DeathsPerNodeHour) FalsePositives(int n, double loss, bool slowNode, bool tcpFallback, bool lifeguard, TimeSpan duration, int seed)
    {
        Action<GossipOptions> configure = o =>
        {
            o.TcpFallbackPing = tcpFallback;
            if (lifeguard)
            {
                return;
            }

            o.AwarenessMaxMultiplier = 1; // no local health awareness
            o.SuspicionMaxTimeoutMult = 1; // fixed suspicion timeout: no confirmations needed
        };
        var (clock, net, nodes) = Build(n, seed, configure);
        long suspicions = 0, deaths = 0;
        foreach (var node in nodes)
        {
            node.MembershipChanged += (_, e) =>
            {
                if (e.Kind == MembershipEventKind.Suspected)
                {
                    suspicions++;
                }

                if (e.Kind == MembershipEventKind.Failed)
                {
                    deaths++;
                }
            };
        }

        net.PacketLoss = loss;
        if (slowNode)
        {
            net.SetProcessingDelay(nodes[1].Name, TimeSpan.FromMilliseconds(1500));
        }

        clock.Advance(duration);
        foreach (var x in nodes)
        {
            _ = x.DisposeAsync();
        }

        var nodeHours = n * duration.TotalHours;
        return (suspicions / nodeHours, deaths / nodeHours);
    }
}
