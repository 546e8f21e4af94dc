using Cache.Gossip.Ring;
using Cache.Node.Cluster.Routing;

namespace Cache.Node.Tests.Cluster.Routing;

/// <summary>A ring and what the router asks about it, set by the test: no gossip, no sockets.</summary>
internal sealed class FakeRoutingTopology(SlotMap ring, string self) : IRoutingTopology
{
    public SlotMap Ring { get; set; } = ring;

    /// <summary>Members that look down (suspected, or their replication link stopped answering).</summary>
    public HashSet<string> Down { get; } = [];

    /// <summary>Slots whose hand-off is still being pulled.</summary>
    public Dictionary<int, Task> Holds { get; } = [];

    public int IndexIn(SlotMap ring) => ring.IndexOf(self);

    public string? RespEndpointOf(string member) => EndpointOf(member);

    public bool LooksDown(string member) => Down.Contains(member);

    public Task? HandOffReady(int slot) => Holds.GetValueOrDefault(slot);

    /// <summary>The RESP endpoint every member of these tests advertises.</summary>
    public static string EndpointOf(string member) => "resp-" + member;
}
