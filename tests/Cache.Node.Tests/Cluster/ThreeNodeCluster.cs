using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>Three nodes in this process joined by gossip, shared by the tests of one class.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public List<TestNode> Nodes { get; } = [];

    public async Task InitializeAsync()
    {
        var seed = await TestNode.StartAsync();
        Nodes.Add(seed);
        for (var i = 0; i < 2; i++)
        {
            Nodes.Add(await TestNode.StartAsync(o => o.Join = seed.Server.Cluster!.Gossip.Address));
        }

        foreach (var node in Nodes)
        {
            await MembershipWait.UntilAsync(node.Server.Cluster!.Gossip, m => m.LiveCount == 3, Timeout, "seeing 3 live members");
            await MembershipWait.RingAsync(node.Server.Cluster!, 3, Timeout);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>The node that is primary for <paramref name="key"/>'s slot.</summary>
    public TestNode OwnerOf(string key)
    {
        var ring = Nodes[0].Server.Cluster!.Ring;
        var owner = ring.PrimaryOf(Cache.Gossip.Ring.HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes(key)))!.Id;
        return Nodes.Single(n => n.Server.Cluster!.Gossip.Name == owner);
    }
}
