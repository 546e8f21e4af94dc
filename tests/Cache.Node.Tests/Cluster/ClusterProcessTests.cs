using System.Diagnostics;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>Five real node processes joined with --join: they form one cluster, see a kill -9, take the node back.</summary>
public sealed class ClusterProcessTests
{
    // Convergence bound. A join is spread by gossip broadcasts; when every retransmission of one misses a
    // node (2 cores shared with the rest of CI), only the next push/pull repairs it, and LAN push/pull runs
    // every 30 s per node: two periods bound that repair. Detection speed is asserted separately (< 20 s).
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(65);

    [Fact]
    public async Task Five_processes_form_one_cluster_detect_a_kill_and_take_a_restarted_node_back()
    {
        var nodes = new List<NodeProcess>();
        try
        {
            nodes.Add(await NodeProcess.StartAsync());
            var seed = nodes[0].GossipAddress;
            for (var i = 1; i < 5; i++)
            {
                nodes.Add(await NodeProcess.StartAsync("--join", seed));
            }

            foreach (var node in nodes)
            {
                await WaitForAsync(node.Port, nodes => nodes.Count(l => !l.Contains("fail", StringComparison.Ordinal)) == 5, "5 live members");
            }

            var victim = nodes[3];
            var victimEndpoint = $"127.0.0.1:{victim.Port}@";
            var clock = Stopwatch.StartNew();
            victim.Kill();
            foreach (var node in nodes.Where(n => n != victim))
            {
                await WaitForAsync(node.Port, lines => lines.Any(l => l.Contains(victimEndpoint, StringComparison.Ordinal) && l.Contains("master,fail ", StringComparison.Ordinal)),
                    "the killed node marked fail");
            }

            // LAN settings: probe 1 s, suspicion ≥ 4·log10(5)·1 s; well inside the 30 s bound.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"detection took {clock.Elapsed}");

            var restarted = await NodeProcess.StartAsync("--join", seed);
            nodes[3] = restarted;
            foreach (var node in nodes)
            {
                await WaitForAsync(node.Port, lines => lines.Count(l => !l.Contains("fail", StringComparison.Ordinal)) == 5, "5 live members after the restart");
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    // Membership lives in another process: ask it over RESP until the condition holds (bounded).
    internal static async Task WaitForAsync(int port, Func<string[], bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        string[] lines = [];
        while (deadline.Elapsed < Timeout)
        {
            await using (var client = await RespTestClient.ConnectAsync(port))
            {
                var reply = await client.CallAsync("CLUSTER", "NODES");
                lines = reply.Split('\n').Where(l => l.Contains('@', StringComparison.Ordinal)).ToArray();
            }

            if (condition(lines))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"node on port {port}: not {what} within {Timeout}; CLUSTER NODES:\n{string.Join('\n', lines)}");
    }
}
