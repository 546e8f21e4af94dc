namespace Cache.Node.Configuration;

/// <summary>
/// The node's settings, bound from appsettings.json, GOSSIPCACHE_* environment variables
/// and the command line (which wins). Names follow redis.conf where Redis has the option.
/// </summary>
public sealed class NodeOptions
{
    /// <summary>RESP port (Redis' default, 6379). 0 picks a free port.</summary>
    public int Port { get; set; } = 6379;

    /// <summary>Address to listen on. Loopback by default: opening a cache to a network is a choice.</summary>
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>This node's name in INFO and, later, in the cluster. Defaults to host:port.</summary>
    public string? Name { get; set; }

    /// <summary>When set, clients must AUTH before any other command.</summary>
    public string? RequirePass { get; set; }

    /// <summary>An ACL file (Redis' aclfile): users, one "user name rules..." line each, read at start-up.</summary>
    public string? AclFile { get; set; }

    /// <summary>Who may run DEBUG: <c>no</c> (default), <c>local</c> (loopback clients) or <c>yes</c>.</summary>
    public string EnableDebugCommand { get; set; } = "no";

    /// <summary>Largest bulk string accepted, in bytes or with a unit (512mb).</summary>
    public string ProtoMaxBulkLen { get; set; } = "512mb";

    /// <summary>Most unexecuted input one client may have buffered (1gb).</summary>
    public string ClientQueryBufferLimit { get; set; } = "1gb";

    /// <summary>Most connected clients (Redis' maxclients, 10000).</summary>
    public int MaxClients { get; set; } = 10000;

    /// <summary>Active expiry runs this many times a second (Redis' hz, 10).</summary>
    public int Hz { get; set; } = 10;

    /// <summary>Most bytes the store may hold (used_memory), with a unit (512mb); 0 (default) means no limit.</summary>
    public string MaxMemory { get; set; } = "0";

    /// <summary>What to evict past maxmemory: noeviction (default), allkeys-lru, allkeys-random, volatile-lru, volatile-random, volatile-ttl.</summary>
    public string MaxMemoryPolicy { get; set; } = "noeviction";

    /// <summary>Keys sampled per eviction round (Redis' maxmemory-samples, 5).</summary>
    public int MaxMemorySamples { get; set; } = 5;

    /// <summary>Where SAVE and BGSAVE write the RDB file and where it is loaded from at start (Redis' dir, default the working folder).</summary>
    public string Dir { get; set; } = ".";

    /// <summary>The RDB file's name in <see cref="Dir"/> (Redis' dbfilename, dump.rdb).</summary>
    public string DbFilename { get; set; } = "dump.rdb";

    /// <summary>Automatic snapshots, as Redis' save: "seconds changes" pairs; empty (default) saves only on SAVE/BGSAVE.</summary>
    public string Save { get; set; } = "";

    /// <summary>TLS port (Redis' tls-port); null: none. With it, <see cref="Port"/> 0 means no plain port (TLS only), as in Redis; 0 here picks a free port.</summary>
    public int? TlsPort { get; set; }

    /// <summary>The server certificate, PEM (a chain may follow the leaf).</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>The server certificate's private key, PEM.</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>CA certificates (PEM) that clients' and peers' certificates must chain to.</summary>
    public string? TlsCaCertFile { get; set; }

    /// <summary>A folder of CA certificates (*.pem, *.crt, or OpenSSL's hashed names).</summary>
    public string? TlsCaCertDir { get; set; }

    /// <summary>Whether TLS clients must present a certificate: yes (default, as Redis), no or optional.</summary>
    public string TlsAuthClients { get; set; } = "yes";

    /// <summary>TLS versions offered: "TLSv1.2 TLSv1.3" (default), or either alone.</summary>
    public string TlsProtocols { get; set; } = "TLSv1.2 TLSv1.3";

    /// <summary>Cipher suites by IANA name, ':'-separated (e.g. TLS_AES_256_GCM_SHA384); empty: the system's.</summary>
    public string TlsCipherSuites { get; set; } = "";

    /// <summary>yes: the links to peers (forwarding, replication, hand-off, repair) use TLS with mutual authentication.</summary>
    public string TlsCluster { get; set; } = "no";

    /// <summary>Redis' tls-replication; accepted and shown (REPLICAOF links are plain here).</summary>
    public string TlsReplication { get; set; } = "no";

    /// <summary>The certificate presented to peers (default: <see cref="TlsCertFile"/>).</summary>
    public string? TlsClientCertFile { get; set; }

    /// <summary>The key of <see cref="TlsClientCertFile"/>.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>Tests only: <see cref="Port"/> 0 picks a free plain port even with a TLS port.</summary>
    internal bool PlainPortAnyWithTls { get; set; }

    /// <summary>Gossip port (UDP and TCP). Default: the RESP port + 10000, as Redis Cluster's bus; 0 when the RESP port is 0.</summary>
    public int? GossipPort { get; set; }

    /// <summary>Seeds to join, "host:port[,host:port...]" (their gossip ports). Empty: start a cluster of one.</summary>
    public string? Join { get; set; }

    /// <summary>Base64 AES key (16, 24 or 32 bytes) that encrypts gossip; every node needs the same one.</summary>
    public string? GossipKey { get; set; }

    /// <summary>
    /// The secret peers prove to each other before GOSSIPCACHE commands are served (at least 16
    /// characters; every node needs the same one). Default: derived from <see cref="GossipKey"/>.
    /// </summary>
    public string? ClusterSecret { get; set; }

    /// <summary>How far ahead of this node's clock a peer's version may be, in ms, before it is refused (0: no bound).</summary>
    public long MaxClockOffset { get; set; } = 500;

    /// <summary>yes: with no password, clients from beyond loopback (and the cluster's members) are refused, as Redis' protected mode.</summary>
    public string ProtectedMode { get; set; } = "yes";

    /// <summary>A label that keeps clusters sharing a network apart; nodes only talk to the same label.</summary>
    public string? ClusterLabel { get; set; }

    /// <summary>
    /// The IP other nodes and clients should use to reach this node (Redis' cluster-announce-ip).
    /// Default: the bind address, or 127.0.0.1 when bound to all interfaces; set it when binding 0.0.0.0.
    /// </summary>
    public string? AnnounceIp { get; set; }

    /// <summary>Timing preset for gossip: lan (memberlist's defaults), wan or local.</summary>
    public string GossipProfile { get; set; } = "lan";

    /// <summary>Failure domain (rack, availability zone); a slot's copies go to different zones when there are enough.</summary>
    public string? Zone { get; set; }

    /// <summary>Relative share of slots this node takes (1 = one share), e.g. 2 on a machine with twice the memory.</summary>
    public int Weight { get; set; } = 1;

    /// <summary>Copies of every key (its owners: one primary and N-1 replicas); fewer while the cluster is smaller.</summary>
    public int Replicas { get; set; } = 3;

    /// <summary>
    /// Copies that must hold a write before it is acknowledged, the primary's included; 0 (the
    /// default) means a majority of the copies, so an acknowledged write survives any one node's loss.
    /// </summary>
    public int WriteQuorum { get; set; }

    /// <summary>
    /// Copies a read consults (1, the default: the primary alone). Above 1 the primary compares its
    /// version with the other owners', takes a newer one and repairs owners that were behind.
    /// </summary>
    public int ReadQuorum { get; set; } = 1;

    /// <summary>
    /// What a node serves clients' reads of a slot from when it reaches fewer than the write quorum
    /// of the slot's owners (it is cut off, on the minority side): <c>refuse</c> (the default:
    /// CLUSTERDOWN, no stale reads) or <c>allow</c> (its copy, possibly stale, as Redis Cluster's
    /// cluster-allow-reads-when-down yes).
    /// </summary>
    public string MinorityReads { get; set; } = "refuse";

    /// <summary>How long (ms) a primary waits for its replicas' acknowledgements, and a node for a forwarded reply.</summary>
    public int ReplicationTimeout { get; set; } = 2000;

    /// <summary>How long (ms) a delete's tombstone is kept in a cluster so a replica that missed it cannot resurrect the key.</summary>
    public long TombstoneHorizon { get; set; } = 600_000;

    /// <summary>
    /// Average time (ms) between anti-entropy rounds (jittered ±25 %); each compares this node's
    /// slot digests with one peer's and exchanges the entries of the slots that differ. 0: off.
    /// </summary>
    public int AntiEntropyInterval { get; set; } = 10_000;

    /// <summary>
    /// When 1 to 16, runs that many nodes in this one process, on consecutive RESP ports from
    /// <see cref="Port"/> (gossip on each + 10000), the others joining the first. 0 (default): one node.
    /// </summary>
    public int LocalCluster { get; set; }

    /// <summary>The gossip port to bind, from <see cref="GossipPort"/> or the RESP port.</summary>
    public int EffectiveGossipPort => GossipPort ?? (Port == 0 ? 0 : Port + 10000);

    /// <summary>A copy to adjust per node (every setting is a value or an immutable string).</summary>
    internal NodeOptions Copy() => (NodeOptions)MemberwiseClone();
}
