using Cache.Gossip.Wire;
using Xunit.Abstractions;

namespace Cache.Gossip.Tests.Simulation;

public sealed class JoinTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Fifty_nodes_joining_through_one_seed_converge()
    {
        await using var c = new SimCluster(seed: 1);
        c.AddJoined(50);
        var took = c.RunUntil(c.Converged, TimeSpan.FromSeconds(60));
        output.WriteLine($"50 nodes converged in {took.TotalSeconds:F2} s simulated; bytes {c.Network.BytesSent}");
        Assert.All(c.Nodes, n => Assert.Equal(50, n.Members.CountIn(MemberState.Alive)));
        Assert.All(c.Nodes, n => Assert.Equal(0, n.Stats.Suspicions));
    }

    [Fact]
    public async Task Single_node_sees_itself_alive()
    {
        await using var c = new SimCluster();
        var n = c.Add("solo");
        Assert.Equal(MemberState.Alive, n.LocalMember.State);
        Assert.Equal(1u, n.LocalMember.Incarnation);
        Assert.Equal("solo", n.LocalMember.Address);
        c.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(n.Members);
    }
}
