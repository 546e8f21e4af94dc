using Cache.Gossip.Ring;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>--weight and --zone travel in gossip metadata and shape every node's ring the same way.</summary>
public sealed class RingMetadataTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_heavier_node_leads_a_proportional_share_of_slots_on_every_ring()
    {
        await using var heavy = await TestNode.StartAsync(o => { o.Weight = 3; o.Replicas = 1; });
        await using var light = await TestNode.StartAsync(o => { o.Replicas = 1; o.Join = heavy.Server.Cluster!.Gossip.Address; });
        await MembershipWait.RingAsync(heavy.Server.Cluster!, 2, Timeout);
        await MembershipWait.RingAsync(light.Server.Cluster!, 2, Timeout);

        var ring = light.Server.Cluster!.Ring;
        Assert.Equal(ring.Hash, heavy.Server.Cluster!.Ring.Hash);
        var heavyIndex = ring.Nodes.ToList().FindIndex(n => n.Id == heavy.Server.Cluster!.Gossip.Name);
        Assert.Equal(3, ring.Nodes[heavyIndex].Weight);
        var led = Enumerable.Range(0, HashSlot.Count).Count(s => ring.OwnerIndices(s)[0] == heavyIndex);
        Assert.InRange(led, (int)(HashSlot.Count * 0.70), (int)(HashSlot.Count * 0.80));

        await using var client = await light.ConnectAsync();
        Assert.Contains(":3\r\n$0\r\n\r\n", await client.CallAsync("CLUSTER", "RING"), StringComparison.Ordinal);

        // A peer that sends a key of a slot this node does not hold is served here, never bounced,
        // and the disagreement between the two rings is counted.
        var foreign = Enumerable.Range(0, 1000).Select(i => $"foreign:{i}").First(k => ring.OwnerIndices(HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes(k)))[0] == heavyIndex);
        await using var peer = await light.ConnectPeerAsync();
        Assert.Equal("$-1\r\n", await peer.CallAsync("GET", foreign));
        Assert.Contains("cluster_ring_disagreements:1\r\n", await client.CallAsync("INFO", "cluster"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_copies_of_a_slot_go_to_different_zones()
    {
        var nodes = new List<TestNode>();
        try
        {
            foreach (var zone in new[] { "a", "a", "b", "b" })
            {
                var seed = nodes.FirstOrDefault()?.Server.Cluster!.Gossip.Address;
                nodes.Add(await TestNode.StartAsync(o => { o.Zone = zone; o.Replicas = 2; o.Join = seed; }));
            }

            foreach (var node in nodes)
            {
                await MembershipWait.RingAsync(node.Server.Cluster!, 4, Timeout);
            }

            var ring = nodes[0].Server.Cluster!.Ring;
            var zoneOf = ring.Nodes.Select(n => n.Zone).ToArray();
            Assert.Equal(["a", "a", "b", "b"], zoneOf.Order());
            for (var slot = 0; slot < HashSlot.Count; slot++)
            {
                var owners = ring.OwnerIndices(slot);
                Assert.NotEqual(zoneOf[owners[0]], zoneOf[owners[1]]);
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }
}
