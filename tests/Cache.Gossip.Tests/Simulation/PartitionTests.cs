using Cache.Gossip.Wire;
using Xunit.Abstractions;

namespace Cache.Gossip.Tests.Simulation;

public sealed class PartitionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Partition_splits_then_heals_into_one_cluster()
    {
        await using var c = new SimCluster(seed: 5);
        c.AddJoined(20);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var left = c.Nodes.Take(10).Select(n => n.Name).ToArray();
        var right = c.Nodes.Skip(10).Select(n => n.Name).ToArray();
        c.Network.Partition(left, right);
        c.RunUntil(() => c.Nodes.All(n => n.Members.LiveCount == 10), TimeSpan.FromMinutes(2));
        Assert.All(c.Nodes.Take(10), n => Assert.All(right, r => Assert.Equal(MemberState.Dead, n.Members[r]!.State)));
        // Stay split for longer than gossip-to-the-dead, so only push/pull reconnects can heal it.
        c.Clock.Advance(TimeSpan.FromSeconds(60));
        c.Network.Heal();
        var took = c.RunUntil(c.Converged, TimeSpan.FromMinutes(5));
        output.WriteLine($"healed in {took.TotalSeconds:F1} s simulated");
        Assert.All(c.Nodes, n => Assert.Equal(20, n.Members.CountIn(MemberState.Alive)));
    }
}
