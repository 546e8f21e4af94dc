namespace Cache.Node.Commands;

/// <summary>
/// Who is on the other end of one connection and what it asked for: addresses, auth, names,
/// and the flags that decide how its commands are routed. The protocol (RESP2/3) lives with
/// the <see cref="Resp.ReplyWriter"/>, which needs it on every reply.
/// </summary>
internal sealed class ConnectionState(long id, string remoteAddress, string localAddress, bool isLoopback, bool authenticated, long createdAtMs)
{
    public long Id { get; } = id;

    public string RemoteAddress { get; } = remoteAddress;

    public string LocalAddress { get; } = localAddress;

    public bool IsLoopback { get; } = isLoopback;

    public string? Name { get; set; }

    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    public bool Authenticated { get; set; } = authenticated;

    /// <summary>The ACL user the connection runs as (default until AUTH or HELLO AUTH).</summary>
    public AclUser User { get; set; } = null!;

    /// <summary>Set by QUIT (and protocol errors): close once the reply is flushed.</summary>
    public bool CloseRequested { get; set; }

    /// <summary>Closes the connection from another one (CLIENT KILL); set by whoever serves the socket.</summary>
    public Action? Abort { get; set; }

    public long CreatedAtMs { get; } = createdAtMs;

    /// <summary>The socket's descriptor for CLIENT LIST's fd, or -1 when the transport does not expose one.</summary>
    public long Fd { get; set; } = -1;

    /// <summary>CLIENT NO-EVICT ON: CLIENT LIST shows the e flag (client eviction itself is not built).</summary>
    public bool NoEvict { get; set; }

    public long LastInteractionMs { get; set; } = createdAtMs;

    /// <summary>
    /// The client showed it routes by slot itself (it sent a CLUSTER command or READONLY): it gets
    /// MOVED and CROSSSLOT as from Redis Cluster. Other clients have their commands forwarded.
    /// </summary>
    public bool ClusterAware { get; set; }

    /// <summary>READONLY: reads of slots this node holds a copy of are served here, never forwarded.</summary>
    public bool ReadFromReplica { get; set; }

    /// <summary>CLIENT REPLY: whether replies are sent.</summary>
    public ClientReplyMode ReplyMode { get; set; }

    /// <summary>
    /// A peer node's connection (forwarding, replication), set only by a successful GOSSIPCACHE
    /// AUTH: may run the peer commands, counts as authenticated, always served locally.
    /// </summary>
    public bool IsPeer { get; set; }

    /// <summary>
    /// A peer's connection that carries one forwarded blocking command (GOSSIPCACHE AUTH ...
    /// BLOCKING): it blocks as a client's would. A shared peer link never does, since a block there
    /// would stall every request behind it.
    /// </summary>
    public bool PeerMayBlock { get; set; }

    /// <summary>The node id a peer proved (GOSSIPCACHE AUTH); null for a client.</summary>
    public string? PeerId { get; set; }

    /// <summary>The nonce GOSSIPCACHE HELLO gave this connection, spent by the next AUTH.</summary>
    public byte[]? PeerNonce { get; set; }
}
