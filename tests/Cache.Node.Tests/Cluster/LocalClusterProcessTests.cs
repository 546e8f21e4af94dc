using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary><c>--local-cluster 3</c> as a user runs it: one process, three joined nodes, stopped together by SIGTERM.</summary>
public sealed class LocalClusterProcessTests
{
    [Fact]
    public async Task Local_cluster_of_three_forms_one_cluster_and_leaves_gracefully_on_sigterm()
    {
        // --port 0: any free ports, printed one line per node (no fixed ports in tests).
        await using var cluster = await NodeProcess.StartLocalClusterAsync(3);
        Assert.Equal(3, cluster.Ports.Distinct().Count());
        foreach (var port in cluster.Ports)
        {
            await ClusterProcessTests.WaitForAsync(port, lines => lines.Count(l => !l.Contains("fail", StringComparison.Ordinal)) == 3, "3 live members");
            await using var client = await RespTestClient.ConnectAsync(port);
            Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        }

        // A node in another process watches the three leave: gracefully, not by failure detection.
        await using var observer = await NodeProcess.StartAsync("--join", cluster.GossipAddress);
        await ClusterProcessTests.WaitForAsync(observer.Port, lines => lines.Count(l => !l.Contains("fail", StringComparison.Ordinal)) == 4, "4 live members");

        var (exitCode, output) = await cluster.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, exitCode);
        Assert.Contains("Local cluster of 3 nodes shutting down", output, StringComparison.Ordinal);
        var info = await GossipInfoAsync(observer.Port, "gossip_members_left:3\r\n");
        Assert.Contains("gossip_members_dead:0\r\n", info, StringComparison.Ordinal);
    }

    // The leave messages may still be in flight when the process exits: ask until they landed (bounded).
    private static async Task<string> GossipInfoAsync(int port, string expected)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        var info = "";
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            info = await client.CallAsync("INFO", "gossip");
            if (info.Contains(expected, StringComparison.Ordinal))
            {
                return info;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"not {expected.Trim()} within 10 s:\n{info}");
        return info;
    }
}
