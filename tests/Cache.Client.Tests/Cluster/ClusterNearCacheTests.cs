using Cache.Client.Caching;
using Cache.Node.Tests.Cluster;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Cluster;

/// <summary>The near cache over three joined nodes: a write through any node reaches the copy.</summary>
public sealed class ClusterNearCacheTests : IAsyncLifetime
{
    private static readonly DistributedCacheEntryOptions Forever = new();
    private readonly ThreeNodeCluster _cluster = new();

    public Task InitializeAsync() => _cluster.InitializeAsync();

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task Writes_through_every_node_remove_the_copies_of_a_client_seeded_at_one()
    {
        var options = new GossipCacheOptions { Seeds = _cluster.Nodes[0].Endpoint, InstanceName = "cn:" };
        options.NearCache.Enabled = true;
        await using var near = new GossipCache(Options.Create(options));
        await using var writer = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = _cluster.Nodes[2].Endpoint, InstanceName = "cn:" }));
        var listener = near.Listener!;
        await listener.WhenReadyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        for (var i = 0; i < 30; i++)
        {
            var key = "k" + i;
            // Heard before the read, so the write's own invalidation cannot remove the copy counted below.
            var stripe = listener.Stripe(key);
            await writer.SetAsync(key, [1], Forever);
            await UntilAsync(() => listener.Stripe(key) != stripe, "the first write's invalidation");
            Assert.Equal([1], await near.GetAsync(key));
        }

        // Each of the 3 copy holders raises its own invalidation of a write, so a late one may still
        // remove a copy just read (as it must): read again until every copy is kept.
        await UntilAsync(
            async () =>
            {
                for (var i = 0; i < 30; i++)
                {
                    Assert.Equal([1], await near.GetAsync("k" + i));
                }

                return near.NearCount == 30;
            },
            "every copy kept");
        for (var i = 0; i < 30; i++)
        {
            await writer.SetAsync("k" + i, [2], Forever);
        }

        await UntilAsync(() => near.NearCount == 0, "every write's invalidation");
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal([2], await near.GetAsync("k" + i));
        }

        // A plain client's write through a node that is not the key's owner (forwarded) is heard too.
        foreach (var (node, n) in _cluster.Nodes.Select((node, n) => (node, n)))
        {
            Assert.Equal([2], await near.GetAsync("k1"));
            await using var raw = await node.ConnectAsync();
            var stripe = listener.Stripe("k0");
            var plain = "plain" + n;
            await raw.CallAsync("SET", "cn:k0", plain);
            // The copy of [2] must go: reads turn to the plain value (a kept stale copy never would).
            await UntilAsync(async () => System.Text.Encoding.ASCII.GetString((await near.GetAsync("k0"))!) == plain, "the plain write's invalidation");
            Assert.NotEqual(stripe, listener.Stripe("k0"));
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting for {what}");
            await Task.Delay(5, CancellationToken.None);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting for {what}");
            await Task.Delay(5, CancellationToken.None);
        }
    }
}
