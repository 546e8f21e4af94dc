using Cache.Node.Hosting;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>Starts in-process nodes joined by gossip and waits until every one sees them all in its ring.</summary>
internal static class TestCluster
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static async Task<List<TestNode>> StartAsync(int count, Action<NodeOptions>? configure = null)
    {
        var nodes = new List<TestNode> { await TestNode.StartAsync(configure) };
        var seed = nodes[0].Server.Cluster!.Gossip.Address;
        for (var i = 1; i < count; i++)
        {
            nodes.Add(await TestNode.StartAsync(o =>
            {
                configure?.Invoke(o);
                o.Join = seed;
            }));
        }

        foreach (var node in nodes)
        {
            await MembershipWait.UntilAsync(node.Server.Cluster!.Gossip, m => m.LiveCount == count, Timeout, $"seeing {count} live members");
            await MembershipWait.RingAsync(node.Server.Cluster!, count, Timeout);
        }

        return nodes;
    }

    public static async Task StopAsync(IEnumerable<TestNode> nodes)
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
