using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>An immutable view of one member.</summary>
/// <param name="Name">Unique node name.</param>
/// <param name="Address">Gossip address, host:port.</param>
/// <param name="Metadata">Bytes the member advertises.</param>
/// <param name="State">Alive, suspect, dead or left.</param>
/// <param name="Incarnation">The member's incarnation number (raised to refute suspicion).</param>
/// <param name="StateChangedAt">When this node last saw the state change.</param>
public sealed record Member(
    string Name,
    string Address,
    ReadOnlyMemory<byte> Metadata,
    MemberState State,
    uint Incarnation,
    DateTimeOffset StateChangedAt);
