namespace Cache.Node.Configuration;

/// <summary>The gossip timing preset (<c>--gossip-profile</c>).</summary>
internal enum GossipProfile
{
    /// <summary>memberlist's LAN defaults.</summary>
    Lan,

    /// <summary>memberlist's WAN defaults.</summary>
    Wan,

    /// <summary>memberlist's local (loopback) defaults.</summary>
    Local,
}
