using Cache.Node.Configuration;
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

    /// <summary>Polls a condition other threads or processes make true, until it holds or the timeout says what failed.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(20, CancellationToken.None);
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting for {what}");
        }
    }

    /// <summary>The node's own copy of a string key, read under its gate (null when missing or deleted).</summary>
    public static string? ValueOn(TestNode node, string key)
    {
        var keys = node.Server.Keys;
        using (keys.Enter())
        {
            return keys.Export(System.Text.Encoding.UTF8.GetBytes(key)) is { IsTombstone: false } entry ? System.Text.Encoding.UTF8.GetString(entry.Value.Span) : null;
        }
    }

    public static async Task StopAsync(IEnumerable<TestNode> nodes)
    {
        foreach (var node in nodes)
        {
            await node.DisposeAsync();
        }
    }
}
