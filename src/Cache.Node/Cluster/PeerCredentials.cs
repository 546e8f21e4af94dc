namespace Cache.Node.Cluster;

/// <summary>
/// What this node shows when it connects to a peer: the cluster secret (empty when there is none:
/// the peer then trusts a member's address, docs/security.md) and its node id, known once it has
/// joined gossip.
/// </summary>
internal sealed class PeerCredentials(byte[]? secret, string nodeId)
{
    public byte[] Secret { get; } = secret ?? [];

    /// <summary>The gossip name this node proves it is; set once the node joined the cluster.</summary>
    public string NodeId { get; set; } = nodeId;
}
