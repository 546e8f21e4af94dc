using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>
/// Issue 19's fault injection: three node processes in network namespaces of our own, two writers
/// (through node 1 and through node 3) writing unique keys and a few shared ones, one fault at a
/// time (<see cref="FaultScenario.All"/>), then a check of every node's copy. Short in CI (5 s per
/// fault); eng/fault-injection.sh runs it longer (GOSSIPCACHE_FAULT_SECONDS) and writes the table
/// of docs/reliability.md (GOSSIPCACHE_FAULT_REPORT).
/// </summary>
public sealed class FaultInjectionTests(ITestOutputHelper output)
{
    private const int Faulted = 3;

    [NetnsFact]
    public async Task Acknowledged_writes_survive_every_fault_and_a_cut_off_node_acknowledges_none()
    {
        var seconds = double.Parse(Environment.GetEnvironmentVariable("GOSSIPCACHE_FAULT_SECONDS") ?? "5", CultureInfo.InvariantCulture);
        var only = Environment.GetEnvironmentVariable("GOSSIPCACHE_FAULT_ONLY");
        var report = Environment.GetEnvironmentVariable("GOSSIPCACHE_FAULT_REPORT");
        var results = new List<(FaultScenario Scenario, FaultResult Result)>();
        await using (var lab = await NetworkLab.CreateAsync(nodes: 3))
        {
            await using var cluster = await LabCluster.StartAsync(lab, "--anti-entropy-interval", "2000");
            var index = 0;
            foreach (var scenario in FaultScenario.All.Where(s => only is null || s.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
            {
                if (scenario.Needs is { } tool)
                {
                    output.WriteLine($"skipped '{scenario.Name}': {tool} is not installed");
                    continue;
                }

                var result = await RunAsync(cluster, scenario, $"f{index++}", TimeSpan.FromSeconds(seconds));
                output.WriteLine(result.Row);
                results.Add((scenario, result));
                for (var i = 1; i <= lab.Nodes; i++)
                {
                    await cluster.WaitForInfoAsync(i, $"cluster_voters_reachable:{lab.Nodes}");
                }
            }
        }

        var table = FaultResult.Header + "\n" + string.Join("\n", results.Select(r => r.Result.Row));
        output.WriteLine(table);
        foreach (var line in ConvergenceCheck.Diagnostics)
        {
            output.WriteLine(line);
        }

        if (!string.IsNullOrEmpty(report))
        {
            await File.AppendAllTextAsync(report, table + "\n\n");
        }

        foreach (var (scenario, result) in results)
        {
            Assert.True(result.Lost == 0, $"{scenario.Name}: {result.Lost} acknowledged writes lost\n{table}");
            Assert.True(result.OverwrittenByRefused == 0, $"{scenario.Name}: {result.OverwrittenByRefused} acknowledged writes overwritten by a refused one\n{table}");
            if (scenario.QuorumStaysReachable)
            {
                Assert.True(result.ConvergedSeconds is not null, $"{scenario.Name}: not converged within the bound\n{table}");
            }
        }

        if (results.FirstOrDefault(r => r.Scenario == FaultScenario.All[0]).Result is { } cut)
        {
            Assert.True(cut.FaultedAckedDuring == 0, $"the cut-off node acknowledged {cut.FaultedAckedDuring} writes\n{table}");
            Assert.True(cut.MajorityAckedDuring > 0, $"the majority acknowledged nothing while node 3 was cut off\n{table}");
        }

        if (results.FirstOrDefault(r => r.Scenario == FaultScenario.All[1]).Result is { } none)
        {
            Assert.True(none.MajorityAckedDuring + none.FaultedAckedDuring == 0, $"a node without a majority acknowledged writes\n{table}");
        }
    }

    private static async Task<FaultResult> RunAsync(LabCluster cluster, FaultScenario scenario, string prefix, TimeSpan duration)
    {
        var phase = new PhaseHolder();
        var writers = new[] { new FaultWriter(cluster.Lab, 1, "a", prefix), new FaultWriter(cluster.Lab, Faulted, "b", prefix) };
        using var stop = new CancellationTokenSource();
        var running = writers.Select(w => Task.Run(() => w.RunAsync(() => phase.Value, stop.Token))).ToArray();
        // The phases are wall-clock spans of the workload: waiting out a duration is the point here.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await scenario.Inject(cluster);
        phase.Value = FaultPhase.During;
        await Task.Delay(duration);
        // The writers stop at the heal, so the time to converge is the cluster's, not the workload's;
        // the calls still in flight finish (a paused node's once it runs again) and count.
        phase.Value = FaultPhase.After;
        await stop.CancelAsync();
        await scenario.Heal(cluster);
        var sinceHeal = Stopwatch.StartNew();
        await Task.WhenAll(running);
        return await ConvergenceCheck.JudgeAsync(cluster.Lab, scenario.Name, writers, Faulted, sinceHeal, TimeSpan.FromSeconds(90));
    }

    private sealed class PhaseHolder
    {
        private volatile int _value;

        public FaultPhase Value
        {
            get => (FaultPhase)_value;
            set => _value = (int)value;
        }
    }
}
