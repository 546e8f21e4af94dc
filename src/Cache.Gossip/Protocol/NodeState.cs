using Cache.Gossip.Wire;

namespace Cache.Gossip.Protocol;

/// <summary>The node's mutable record of one member; touched only under the node's gate.</summary>
internal sealed class NodeState
{
    public NodeState(string name, string address)
    {
        Name = name;
        Address = address;
    }

    public string Name { get; }
    public string Address { get; set; }
    public uint Incarnation { get; set; }
    public MemberState State { get; set; } = MemberState.Dead;
    public byte[] Metadata { get; set; } = [];
    public long StateChangeTimestamp { get; set; }
    public DateTimeOffset StateChangedAt { get; set; }
    public Suspicion? Suspicion { get; set; }

    public bool IsDeadOrLeft => State is MemberState.Dead or MemberState.Left;
}
