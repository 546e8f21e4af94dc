using System.Diagnostics;
using Xunit.Abstractions;

namespace Cache.Gossip.Tests.Simulation;

[Collection("GossipTiming")] // not beside the real-socket tests: they need the CPU on time
public sealed class LargeClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Thousand_nodes_join_converge_and_detect_a_failure()
    {
        const int N = 1000;
        var wall = Stopwatch.StartNew();
        await using var c = new SimCluster(seed: 41);
        // Joins spread over 10 simulated seconds, each through one of the first ten nodes.
        c.AddJoined(10);
        for (var i = 10; i < N; i++)
        {
            c.Clock.Advance(TimeSpan.FromMilliseconds(10));
            var node = c.Add($"n{i:D4}");
            node.StartJoin(c.Nodes[i % 10].Name);
        }

        var took = c.RunUntil(c.Converged, TimeSpan.FromSeconds(120));
        output.WriteLine($"{N} nodes converged {took.TotalSeconds:F1} s after the last join; wall {wall.Elapsed.TotalSeconds:F1} s");
        var bytesBefore = c.Network.BytesSent;
        var start = c.Clock.Elapsed;
        var victim = c.Nodes[N / 2];
        await c.KillAsync(victim);
        var detect = c.RunUntil(() => c.AllSeeDead(victim), TimeSpan.FromSeconds(120));
        var perNodePerSec = (c.Network.BytesSent - bytesBefore) / (N - 1.0) / (c.Clock.Elapsed - start).TotalSeconds;
        output.WriteLine($"failure known by all {N - 1} in {detect.TotalSeconds:F1} s; {perNodePerSec:F0} UDP bytes/node/s; wall {wall.Elapsed.TotalSeconds:F1} s");
        Assert.DoesNotContain(c.Events, e => e.Kind == MembershipEventKind.Failed && e.Member.Name != victim.Name);
        Assert.InRange(c.Network.LargestPacket, 1000, 1400); // compound packets fill up but never pass the UDP limit
    }
}
