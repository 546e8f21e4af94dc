using System.Diagnostics.Metrics;
using Cache.Client.Caching;
using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Cluster;

/// <summary>
/// On a real three-node cluster, each request goes straight to its key's primary: counted on the
/// nodes (INFO stats, INFO cluster) and in the client's own redirect and failover counters.
/// </summary>
public sealed class ClusterRoutingTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    private static readonly DistributedCacheEntryOptions Forever = new();

    [Fact]
    public async Task Every_get_lands_on_its_primary_and_nothing_is_forwarded_or_redirected()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var counts = new ClientCounters(meters);
        await using var cache = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = cluster.Nodes[2].Endpoint, InstanceName = "route:" }),
            TimeProvider.System, meterFactory: meters);
        var keys = Enumerable.Range(0, 300).Select(i => "user:" + i).ToArray();
        var forwardedBefore = await ForwardedAsync();
        foreach (var key in keys)
        {
            await cache.SetAsync(key, [1, 2, 3], Forever);
        }

        var before = await CommandsAsync();
        foreach (var key in keys)
        {
            Assert.Equal([1, 2, 3], await cache.GetAsync(key));
        }

        var after = await CommandsAsync();
        for (var i = 0; i < cluster.Nodes.Count; i++)
        {
            var node = cluster.Nodes[i];
            var owned = keys.Count(k => cluster.OwnerOf("route:" + k) == node);
            // Besides the GETs, only our own INFO commands (one or two) are counted.
            var served = after[i] - before[i];
            Assert.True(served >= owned && served <= owned + 2, $"node {node.Endpoint}: {served} commands for {owned} keys it is primary for");
        }

        Assert.Equal(0, await ForwardedAsync() - forwardedBefore);
        Assert.Equal(0, counts.Redirects);
        Assert.Equal(0, counts.Failovers);
    }

    private async Task<long[]> CommandsAsync()
    {
        var counts = new long[cluster.Nodes.Count];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = await NodeInfo.ReadAsync(cluster.Nodes[i].Port, "stats", "total_commands_processed");
        }

        return counts;
    }

    private async Task<long> ForwardedAsync()
    {
        long total = 0;
        foreach (var node in cluster.Nodes)
        {
            total += await NodeInfo.ReadAsync(node.Port, "cluster", "cluster_forwarded_commands");
        }

        return total;
    }

    /// <summary>Listens to the redirect and failover counters of the meters one factory made.</summary>
    private sealed class ClientCounters : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _redirects;
        private long _failovers;

        public ClientCounters(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name is "gossipcache.client.redirects" or "gossipcache.client.failovers")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == "gossipcache.client.redirects")
                {
                    Interlocked.Add(ref _redirects, value);
                }
                else
                {
                    Interlocked.Add(ref _failovers, value);
                }
            });
            _listener.Start();
        }

        public long Redirects => Interlocked.Read(ref _redirects);

        public long Failovers => Interlocked.Read(ref _failovers);

        public void Dispose() => _listener.Dispose();
    }
}
