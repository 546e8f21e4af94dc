using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>Three nodes in this process joined by gossip, shared by the tests of one class.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    public List<TestNode> Nodes { get; } = [];

    public async Task InitializeAsync() => Nodes.AddRange(await TestCluster.StartAsync(3));

    public Task DisposeAsync() => TestCluster.StopAsync(Nodes);

    /// <summary>The node that is primary for <paramref name="key"/>'s slot.</summary>
    public TestNode OwnerOf(string key)
    {
        var ring = Nodes[0].Server.Cluster!.Ring;
        var owner = ring.PrimaryOf(Cache.Gossip.Ring.HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes(key)))!.Id;
        return Nodes.Single(n => n.Server.Cluster!.Gossip.Name == owner);
    }
}
