using Cache.Gossip.Wire;
using Xunit.Abstractions;

namespace Cache.Gossip.Tests.Simulation;

public sealed class FailureDetectionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killed_node_is_declared_dead_by_all_and_nobody_else_is()
    {
        await using var c = new SimCluster(seed: 2);
        c.AddJoined(20);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var victim = c.Nodes[7];
        await c.KillAsync(victim);
        var took = c.RunUntil(() => c.AllSeeDead(victim), TimeSpan.FromSeconds(60));
        output.WriteLine($"failure known by all 19 in {took.TotalSeconds:F2} s simulated");
        foreach (var n in c.Live)
        {
            Assert.Equal(MemberState.Dead, n.Members[victim.Name]!.State);
            Assert.Equal(19, n.Members.CountIn(MemberState.Alive));
        }

        Assert.Contains(c.Events, e => e.Kind == MembershipEventKind.Failed && e.Member.Name == victim.Name);
        Assert.DoesNotContain(c.Events, e => e.Kind == MembershipEventKind.Failed && e.Member.Name != victim.Name);
        // Lifeguard: suspicion lasts at least the minimum timeout, 4 · log10(20) · 1 s.
        Assert.True(took > TimeSpan.FromSeconds(4 * Math.Log10(20)), took.ToString());
    }

    [Fact]
    public async Task Briefly_unreachable_node_refutes_suspicion_and_stays_alive()
    {
        await using var c = new SimCluster(seed: 3);
        c.AddJoined(10);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var victim = c.Nodes[4];
        var before = victim.LocalMember.Incarnation;
        c.Network.Partition([victim.Name]);
        c.RunUntil(() => c.Nodes.Any(n => n.Members[victim.Name]!.State == MemberState.Suspect), TimeSpan.FromSeconds(10));
        c.Network.Heal();
        c.RunUntil(() => c.Converged() && c.Nodes.All(n => n.Members[victim.Name]!.Incarnation > before), TimeSpan.FromSeconds(30));
        Assert.True(victim.Stats.Refutations > 0);
        Assert.True(victim.LocalMember.Incarnation > before);
        Assert.Contains(c.Events, e => e.Kind == MembershipEventKind.Suspected && e.Member.Name == victim.Name);
        Assert.Contains(c.Events, e => e.Kind == MembershipEventKind.Recovered && e.Member.Name == victim.Name);
        Assert.DoesNotContain(c.Events, e => e.Kind == MembershipEventKind.Failed);
    }

    [Fact]
    public async Task Suspicion_timeout_shrinks_with_independent_confirmations()
    {
        var min = TimeSpan.FromSeconds(4);
        var max = TimeSpan.FromSeconds(24);
        Assert.Equal(max, Protocol.Suspicion.Remaining(0, 3, TimeSpan.Zero, min, max));
        var one = Protocol.Suspicion.Remaining(1, 3, TimeSpan.Zero, min, max);
        var two = Protocol.Suspicion.Remaining(2, 3, TimeSpan.Zero, min, max);
        Assert.True(one < max && two < one, $"{one} {two}");
        Assert.Equal(min, Protocol.Suspicion.Remaining(3, 3, TimeSpan.Zero, min, max));
        Assert.Equal(TimeSpan.FromSeconds(14), Protocol.Suspicion.Remaining(1, 3, TimeSpan.FromSeconds(0.000), min, max));
        await Task.CompletedTask;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Slow_node_is_not_declared_dead(bool awareness)
    {
        await using var c = new SimCluster(seed: 4, o => o.AwarenessMaxMultiplier = awareness ? 8 : 1);
        c.AddJoined(16);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var slow = c.Nodes[5];
        // Everything the slow node receives is handled 1.5 s late: past the whole 1 s probe round.
        c.Network.SetProcessingDelay(slow.Name, TimeSpan.FromMilliseconds(1500));
        c.Clock.Advance(TimeSpan.FromMinutes(5));
        var falseAccusations = slow.Stats.Suspicions;
        output.WriteLine($"awareness {awareness}: slow node raised {falseAccusations} suspicions, health {slow.HealthScore}, refuted {slow.Stats.Refutations}, failed probes {slow.Stats.ProbeFailures}/{slow.Stats.Probes}; others' suspicions {c.Nodes.Where(n => n != slow).Sum(n => n.Stats.Suspicions)}");
        Assert.DoesNotContain(c.Events, e => e.Kind == MembershipEventKind.Failed);
        Assert.All(c.Nodes, n => Assert.Equal(16, n.Members.CountIn(MemberState.Alive) + n.Members.CountIn(MemberState.Suspect)));
        if (awareness)
        {
            // Lifeguard: the slow node blames itself (missing nacks) and stops accusing healthy members.
            Assert.True(slow.HealthScore > 0);
            Assert.True(falseAccusations < 10, falseAccusations.ToString());
        }
        else
        {
            Assert.True(falseAccusations > 100, falseAccusations.ToString());
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tcp_fallback_ping_keeps_members_alive_when_udp_is_lost(bool fallback)
    {
        await using var c = new SimCluster(seed: 6, o => o.TcpFallbackPing = fallback);
        c.AddJoined(5);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        c.Network.PacketLoss = 1.0; // every datagram lost; streams still work
        c.Clock.Advance(TimeSpan.FromSeconds(20));
        var suspicions = c.Nodes.Sum(n => n.Stats.Suspicions);
        if (fallback)
        {
            Assert.Equal(0, suspicions);
        }
        else
        {
            Assert.True(suspicions > 0);
        }
    }
}
