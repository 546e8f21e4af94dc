using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Integration.Tests.Infrastructure;

/// <summary>One node and a 3-node cluster over loopback, started once for a test class; each test names which it runs against.</summary>
public sealed class NodesFixture : IAsyncLifetime
{
    private readonly ThreeNodeCluster _cluster = new();
    private TestNode? _single;

    public IReadOnlyList<TestNode> Single => [_single!];

    public IReadOnlyList<TestNode> Cluster => _cluster.Nodes;

    public IReadOnlyList<TestNode> Of(string topology) => topology == "cluster" ? Cluster : Single;

    public async Task InitializeAsync()
    {
        _single = await TestNode.StartAsync();
        await _cluster.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        if (_single is not null)
        {
            await _single.DisposeAsync();
        }
    }
}
