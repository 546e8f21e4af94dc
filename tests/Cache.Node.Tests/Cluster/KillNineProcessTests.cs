using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Three real node processes with three copies per key: a kill -9 of one, while a client keeps
/// writing through another, loses no write that was acknowledged.
/// </summary>
public sealed class KillNineProcessTests
{
    [Fact]
    public async Task A_kill_nine_loses_no_acknowledged_write()
    {
        var nodes = new List<NodeProcess>();
        try
        {
            nodes.Add(await NodeProcess.StartAsync());
            for (var i = 1; i < 3; i++)
            {
                nodes.Add(await NodeProcess.StartAsync("--join", nodes[0].GossipAddress));
            }

            foreach (var node in nodes)
            {
                await ClusterProcessTests.WaitForAsync(node.Port, lines => lines.Count(l => !l.Contains("fail", StringComparison.Ordinal)) == 3, "3 live members");
                await WaitForInfoAsync(node.Port, "cluster_replicas:3", "three copies per key");
            }

            var acknowledged = new Dictionary<string, string>();
            await using var writer = await RespTestClient.ConnectAsync(nodes[0].Port);
            var victim = nodes[1];
            var attempt = 0;

            async Task WriteAsync(int count)
            {
                for (var end = attempt + count; attempt < end; attempt++)
                {
                    var (key, value) = ($"durable:{attempt}", $"v{attempt}");
                    var reply = await writer.CallAsync("SET", key, value);
                    if (reply == "+OK\r\n")
                    {
                        acknowledged[key] = value;
                    }
                    else
                    {
                        // Refused while the victim's death is being noticed: not acknowledged, so it may be lost.
                        Assert.True(reply.StartsWith("-TRYAGAIN", StringComparison.Ordinal) || reply.StartsWith("-NOREPLICAS", StringComparison.Ordinal), reply);
                    }
                }
            }

            await WriteAsync(400);
            Assert.Equal(400, acknowledged.Count);
            victim.Kill();
            await WriteAsync(400);
            var survivors = nodes.Where(n => n != victim).ToList();

            // Before gossip has even suspected the victim, its broken replication link tells the
            // node it is down: a cluster-aware client is served by the node it asks (it holds a
            // copy) instead of being redirected to the dead node.
            await using (var aware = await RespTestClient.ConnectAsync(nodes[0].Port))
            {
                await aware.CallAsync("CLUSTER", "MYID");
                for (var i = 0; i < 100; i++)
                {
                    var reply = await aware.CallAsync("SET", $"aware:{i}", "x");
                    Assert.DoesNotContain($"127.0.0.1:{victim.Port}", reply, StringComparison.Ordinal);
                    if (reply == "+OK\r\n")
                    {
                        acknowledged[$"aware:{i}"] = "x";
                    }
                }
            }

            foreach (var node in survivors)
            {
                await ClusterProcessTests.WaitForAsync(node.Port, lines => lines.Count(l => l.Contains("fail", StringComparison.Ordinal)) == 1, "the killed node marked fail");
                await WaitForInfoAsync(node.Port, "cluster_ring_nodes:2", "a ring of the two survivors");
            }

            await WriteAsync(200);
            foreach (var node in survivors)
            {
                await WaitForInfoAsync(node.Port, "cluster_handoff_in_progress:0", "hand-off finished");
            }

            // Every acknowledged write reads back through each survivor.
            foreach (var node in survivors)
            {
                await using var reader = await RespTestClient.ConnectAsync(node.Port);
                var missing = new List<string>();
                foreach (var (key, value) in acknowledged)
                {
                    if (await reader.CallAsync("GET", key) != $"${value.Length}\r\n{value}\r\n")
                    {
                        missing.Add(key);
                    }
                }

                Assert.True(missing.Count == 0, $"node {node.Port} lost {missing.Count} of {acknowledged.Count} acknowledged writes, e.g. {string.Join(", ", missing.Take(5))}");
            }

            // The writer's node holds a copy of every slot (3 nodes, 3 copies), so while the dead
            // primary is being detected it coordinates those writes itself: none is refused.
            Assert.Equal(attempt, acknowledged.Keys.Count(k => k.StartsWith("durable:", StringComparison.Ordinal)));
            await using (var info = await RespTestClient.ConnectAsync(nodes[0].Port))
            {
                Assert.DoesNotContain("cluster_served_for_unreachable_primary:0\r\n", await info.CallAsync("INFO", "cluster"), StringComparison.Ordinal);
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

    internal static async Task WaitForInfoAsync(int port, string line, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var info = "";
        while (!timeout.IsCancellationRequested)
        {
            await using (var client = await RespTestClient.ConnectAsync(port))
            {
                info = await client.CallAsync("INFO", "cluster");
            }

            if (info.Contains(line + "\r\n", StringComparison.Ordinal))
            {
                return;
            }

            // Another process's state: ask again shortly (bounded by the timeout).
            await Task.Delay(100, CancellationToken.None);
        }

        Assert.Fail($"node on port {port}: not {what} within 30 s; INFO cluster:\n{info}");
    }
}
