using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Sockets;

/// <summary>Real UDP + TCP on 127.0.0.1, ports chosen by the OS; waits are driven by membership events.</summary>
[Collection("GossipTiming")]
public sealed class LoopbackClusterTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();

    private static GossipOptions Options(string name, byte[]? key = null)
    {
        var o = GossipOptions.Local();
        o.NodeName = name;
        o.BindAddress = "127.0.0.1";
        o.Port = 0;
        o.ProbeInterval = TimeSpan.FromMilliseconds(200);
        o.ProbeTimeout = TimeSpan.FromMilliseconds(100);
        o.GossipInterval = TimeSpan.FromMilliseconds(50);
        // Local's RetransmitMult of 2 lets a rumour miss one of five nodes about 10% of the time;
        // frequent push/pull repairs such gaps within a second or two, as it would within 15 s in production.
        o.PushPullInterval = TimeSpan.FromSeconds(1);
        o.JoinInitialBackoff = TimeSpan.FromMilliseconds(100);
        o.SecretKey = key;
        o.ClusterLabel = "loopback-test";
        return o;
    }

    /// <summary>
    /// Completes when the condition holds, re-checked on every membership event of the nodes. It
    /// may hold for a moment and then not (a restarted member is seen alive, then a rumour of its
    /// death at the same incarnation arrives, then its refutation), so a wake-up only re-checks.
    /// </summary>
    private async Task WaitUntil(IReadOnlyList<GossipNode> nodes, Func<bool> condition, string what)
    {
        using var changed = new SemaphoreSlim(0);
        void Check(object? sender, MembershipEvent e) => changed.Release();

        foreach (var n in nodes)
        {
            n.MembershipChanged += Check;
        }

        try
        {
            var deadline = System.Diagnostics.Stopwatch.StartNew();
            var limit = TimeSpan.FromSeconds(20);
            while (!condition())
            {
                var left = limit - deadline.Elapsed;
                Assert.True(left > TimeSpan.Zero && await changed.WaitAsync(left) | condition(), $"timed out waiting for: {what}; views: " +
                    string.Join(" | ", nodes.Select(n => n.Name + ": " + string.Join(",", n.Members.Select(m => $"{m.Name}={m.State}/{m.Incarnation}")))));
            }

            output.WriteLine($"{_watch.Elapsed.TotalSeconds:F2} s: {what}");
        }
        finally
        {
            foreach (var n in nodes)
            {
                n.MembershipChanged -= Check;
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Five_nodes_join_detect_a_kill_and_take_the_restarted_node_back(bool encrypted)
    {
        var key = encrypted ? Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray() : null;
        var nodes = new List<GossipNode>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var node = new GossipNode(Options($"node{i}", key));
                await node.StartAsync();
                nodes.Add(node);
            }

            for (var i = 1; i < 5; i++)
            {
                Assert.Equal(1, await nodes[i].JoinAsync([nodes[0].Address]));
            }

            await WaitUntil(nodes, () => nodes.All(n => n.Members.CountIn(MemberState.Alive) == 5), "5 alive everywhere");
            Assert.All(nodes, n => Assert.StartsWith("127.0.0.1:", n.Address));

            var victim = nodes[3];
            await victim.DisposeAsync(); // like kill -9: no leave message
            var rest = nodes.Where(n => n != victim).ToList();
            await WaitUntil(rest, () => rest.All(n => n.Members["node3"]?.State == MemberState.Dead), "node3 dead everywhere");

            var reborn = new GossipNode(Options("node3", key));
            await reborn.StartAsync();
            nodes[3] = reborn;
            Assert.Equal(1, await reborn.JoinAsync([nodes[1].Address]));
            await WaitUntil(nodes, () => nodes.All(n => n.Members.CountIn(MemberState.Alive) == 5 && n.Members["node3"]!.Address == reborn.Address),
                "restarted node3 alive everywhere at its new address");
            Assert.True(reborn.LocalMember.Incarnation > 1);
            Assert.All(nodes, n => Assert.True(n.Stats.BytesIn > 0 && n.Stats.BytesOut > 0));
        }
        finally
        {
            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Join_with_no_reachable_seed_retries_then_reports_zero()
    {
        var o = Options("lonely");
        o.JoinMaxAttempts = 3;
        o.StreamTimeout = TimeSpan.FromMilliseconds(200);
        await using var node = new GossipNode(o);
        await node.StartAsync();
        // A port we bound and closed: nothing listens there.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Assert.Equal(0, await node.JoinAsync([$"127.0.0.1:{port}"]));
        Assert.Single(node.Members);
        Assert.True(node.Stats.StreamsOut >= 3);
    }

    [Fact]
    public async Task Seeds_resolve_through_dns()
    {
        await using var a = new GossipNode(Options("a"));
        await using var b = new GossipNode(Options("b"));
        await a.StartAsync();
        await b.StartAsync();
        var port = int.Parse(a.Address.Split(':')[1]);
        Assert.Equal(1, await b.JoinAsync([$"localhost:{port}"]));
        await WaitUntil([a, b], () => a.Members.CountIn(MemberState.Alive) == 2 && b.Members.CountIn(MemberState.Alive) == 2, "a and b see each other");
    }
}
