namespace Cache.Node.Commands;

/// <summary>What else a route says, for the session to act on or count.</summary>
[Flags]
internal enum RouteFlags : byte
{
    None = 0,

    /// <summary>A peer sent a key of a slot this node does not hold: the two rings disagree (a change still spreading).</summary>
    RingDisagreement = 1,

    /// <summary>Served here for a primary that looks down (suspected, or its replication link stopped answering).</summary>
    UnreachablePrimary = 2,

    /// <summary>Forwarded, but this node holds a copy: when the primary cannot be reached the command runs here instead.</summary>
    FallBackHere = 4,
}
