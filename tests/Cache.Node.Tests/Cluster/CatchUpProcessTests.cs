using System.Globalization;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Issue 6's "done when", on three real processes with three copies per key: a node frozen with
/// SIGSTOP while writes and deletes go on (long enough to be declared dead) holds all of them
/// soon after SIGCONT; a node killed with SIGKILL and restarted empty is refilled, and once the
/// other two are killed it serves every key alone (--minority-reads allow), and takes writes
/// again only once an operator forgot the dead two (issue 19).
/// </summary>
public sealed class CatchUpProcessTests
{
    private const int Keys = 300;

    [Fact]
    public async Task A_paused_node_catches_up_and_a_node_restarted_empty_is_refilled_and_then_serves_alone()
    {
        var nodes = new List<NodeProcess>();
        try
        {
            string[] options = ["--anti-entropy-interval", "500"];
            nodes.Add(await NodeProcess.StartAsync([.. options, "--name", "n0"]));
            nodes.Add(await NodeProcess.StartAsync([.. options, "--name", "n1", "--join", nodes[0].GossipAddress]));
            nodes.Add(await NodeProcess.StartAsync([.. options, "--name", "n2", "--join", nodes[0].GossipAddress]));
            foreach (var node in nodes)
            {
                await ClusterProcessTests.WaitForAsync(node.Port, lines => lines.Count(l => !l.Contains("fail", StringComparison.Ordinal)) == 3, "3 live members");
                await KillNineProcessTests.WaitForInfoAsync(node.Port, "cluster_replicas:3", "three copies per key");
            }

            var expected = new Dictionary<string, string?>();
            await using (var writer = await RespTestClient.ConnectAsync(nodes[0].Port))
            {
                await WriteAsync(writer, expected, "before");

                // Frozen until the others have declared it dead; the writes after that are never
                // replicated to it, so only hand-off and anti-entropy can bring them.
                await nodes[2].PauseAsync();
                await ClusterProcessTests.WaitForAsync(nodes[0].Port, lines => lines.Count(l => l.Contains("fail", StringComparison.Ordinal)) == 1, "the frozen node marked fail");
                // Both survivors: a node whose ring still holds the frozen one would replicate to it,
                // and those writes would arrive by replication on resume, not by repair.
                foreach (var survivor in nodes.Take(2))
                {
                    await KillNineProcessTests.WaitForInfoAsync(survivor.Port, "cluster_ring_nodes:2", "a ring without the frozen node");
                }

                await WriteAsync(writer, expected, "during-pause");
                for (var i = 0; i < Keys; i += 10)
                {
                    Assert.Equal(":1\r\n", await writer.CallAsync("DEL", $"catchup:{i}"));
                    expected[$"catchup:{i}"] = null;
                }
            }

            await nodes[2].ResumeAsync();
            await WaitForCopiesAsync(nodes[2].Port, expected, "the resumed node");
            // Brought by repair (hand-off pulls, anti-entropy pulls and pushes), not by replication.
            // A round adds its counts when it ends, which may be just after its entries landed.
            var repaired = await RepairedEntriesAsync(nodes);
            using (var counted = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (repaired < Keys && !counted.IsCancellationRequested)
                {
                    await Task.Delay(50, CancellationToken.None);
                    repaired = await RepairedEntriesAsync(nodes);
                }
            }

            Assert.True(repaired >= Keys, $"only {repaired} entries moved by hand-off and anti-entropy");

            // Restarted empty: same name and ports, nothing in memory.
            var (port, gossip) = (nodes[2].Port, nodes[2].GossipAddress);
            nodes[2].Kill();
            await nodes[2].DisposeAsync();
            // --minority-reads allow: alone below, it still serves its copy (the default refuses reads there).
            nodes[2] = await NodeProcess.StartAsync([.. options, "--name", "n2", "--port", Text(port), "--gossip-port", gossip.Split(':')[1], "--join", nodes[0].GossipAddress,
                "--minority-reads", "allow"]);
            await WaitForCopiesAsync(nodes[2].Port, expected, "the node restarted empty");
            await using (var info = await RespTestClient.ConnectAsync(nodes[2].Port))
            {
                var live = expected.Count(e => e.Value is not null);
                Assert.Equal($":{live}\r\n", await info.CallAsync("DBSIZE"));
            }

            // Alone: the two nodes that filled it are gone.
            nodes[0].Kill();
            nodes[1].Kill();
            await using (var reader = await RespTestClient.ConnectAsync(nodes[2].Port))
            {
                foreach (var (key, value) in expected)
                {
                    Assert.Equal(value is null ? "$-1\r\n" : $"${value.Length}\r\n{value}\r\n", await reader.CallAsync("GET", key));
                }
            }

            // Issue 19: alone after two crashes (not leaves) it cannot tell death from a partition,
            // so it takes no write; an operator who knows they are gone forgets them, and it does.
            await KillNineProcessTests.WaitForInfoAsync(nodes[2].Port, "cluster_ring_nodes:1", "a ring of itself alone");
            await using (var writer = await RespTestClient.ConnectAsync(nodes[2].Port))
            {
                Assert.Equal("-NOREPLICAS Not enough good replicas to write.\r\n", await writer.CallAsync("SET", "catchup:alone", "yes"));
                Assert.Equal("+OK\r\n", await writer.CallAsync("CLUSTER", "FORGET", "n0"));
                Assert.Equal("+OK\r\n", await writer.CallAsync("CLUSTER", "FORGET", Cache.Node.Cluster.ClusterMembership.IdOf("n1")));
                Assert.Equal("+OK\r\n", await writer.CallAsync("SET", "catchup:alone", "yes"));
                Assert.Equal("$3\r\nyes\r\n", await writer.CallAsync("GET", "catchup:alone"));
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

    private static async Task WriteAsync(RespTestClient writer, Dictionary<string, string?> expected, string phase)
    {
        for (var i = 0; i < Keys; i++)
        {
            var (key, value) = ($"catchup:{i}", $"{phase}-{i}");
            Assert.Equal("+OK\r\n", await writer.CallAsync("SET", key, value));
            expected[key] = value;
        }
    }

    /// <summary>Waits until the node's own copy (READONLY) of every key is the expected one.</summary>
    private static async Task WaitForCopiesAsync(int port, Dictionary<string, string?> expected, string who)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var wrong = new List<string>();
        while (!timeout.IsCancellationRequested)
        {
            wrong.Clear();
            await using (var client = await RespTestClient.ConnectAsync(port))
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("READONLY"));
                foreach (var (key, value) in expected)
                {
                    var reply = await client.CallAsync("GET", key);
                    if (reply != (value is null ? "$-1\r\n" : $"${value.Length}\r\n{value}\r\n"))
                    {
                        wrong.Add($"{key}={reply.Trim()}");
                    }
                }
            }

            if (wrong.Count == 0)
            {
                return;
            }

            // Another process's state: look again shortly (bounded by the timeout).
            await Task.Delay(200, CancellationToken.None);
        }

        Assert.Fail($"{who} (port {port}) still had {wrong.Count} of {expected.Count} keys wrong after 60 s, e.g. {string.Join(", ", wrong.Take(5))}");
    }

    private static async Task<long> RepairedEntriesAsync(List<NodeProcess> nodes)
    {
        long repaired = 0;
        foreach (var node in nodes)
        {
            await using var info = await RespTestClient.ConnectAsync(node.Port);
            var text = await info.CallAsync("INFO", "cluster");
            repaired += Field(text, "cluster_handoff_entries") + Field(text, "cluster_antientropy_entries_pulled") + Field(text, "cluster_antientropy_entries_pushed");
        }

        return repaired;
    }

    private static long Field(string info, string name) =>
        long.Parse(info.Split("\r\n").Single(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
