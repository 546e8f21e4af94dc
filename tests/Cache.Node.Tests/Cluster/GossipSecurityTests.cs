using System.Security.Cryptography;
using Cache.Gossip;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>--gossip-key and --cluster-label at the node level: matching nodes join, others never mix.</summary>
public sealed class GossipSecurityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Nodes_with_the_same_key_join_and_a_node_with_another_key_is_kept_out()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var other = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var seed = await TestNode.StartAsync(o => o.GossipKey = key);
        var seedAddress = seed.Server.Cluster!.Gossip.Address;
        await using var friend = await TestNode.StartAsync(o => { o.GossipKey = key; o.Join = seedAddress; });
        await using var stranger = await TestNode.StartAsync(o => { o.GossipKey = other; o.Join = seedAddress; });

        await MembershipWait.UntilAsync(seed.Server.Cluster.Gossip, m => m.LiveCount == 2, Timeout, "seeing the node with the same key");
        // The stranger keeps retrying its join; every attempt is dropped and counted (a counter,
        // not an event: poll it, bounded).
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (seed.Server.Cluster.Gossip.Stats.DroppedTotal == 0 && waited.Elapsed < Timeout)
        {
            await Task.Delay(50);
        }

        Assert.True(seed.Server.Cluster.Gossip.Stats.DroppedTotal > 0, "the seed never dropped the stranger's packets");
        Assert.Null(seed.Server.Cluster.Gossip.Members[stranger.Server.Cluster!.Gossip.Name]);
        Assert.Equal(1, stranger.Server.Cluster!.Gossip.Members.LiveCount);
    }

    [Fact]
    public void A_bad_gossip_key_is_refused_at_start() =>
        Assert.StartsWith("--gossip-key must decode to 16, 24 or 32 bytes",
            Cache.Node.Configuration.NodeOptionsValidator.Validate(new Cache.Node.Configuration.NodeOptions { GossipKey = Convert.ToBase64String(new byte[7]) }),
            StringComparison.Ordinal);
}
