using System.Globalization;
using System.Net;
using Cache.Node.Storage;

namespace Cache.Node.Configuration;

/// <summary>
/// <see cref="NodeOptions"/> parsed once, at start: sizes in bytes, durations as
/// <see cref="TimeSpan"/>, policies as enums. The node's parts read these. The settings CONFIG SET
/// changes (requirepass, maxclients, the sizes, hz, the eviction settings) are the settable ones;
/// the rest are fixed for the node's life.
/// </summary>
internal sealed class NodeSettings
{
    private NodeSettings(NodeOptions options, List<IPAddress> bindAddresses)
    {
        RequestedPort = options.Port;
        Bind = options.Bind;
        BindAddresses = bindAddresses;
        Name = string.IsNullOrEmpty(options.Name) ? null : options.Name;
        RequirePass = options.RequirePass;
        AclFile = string.IsNullOrEmpty(options.AclFile) ? null : Path.GetFullPath(options.AclFile);
        EnableDebugCommand = Enum.Parse<DebugCommandAccess>(options.EnableDebugCommand, ignoreCase: true);
        ProtoMaxBulkLen = SizeOf(options.ProtoMaxBulkLen);
        ClientQueryBufferLimit = SizeOf(options.ClientQueryBufferLimit);
        QueryBufferCeiling = ClientQueryBufferLimit;
        MaxClients = options.MaxClients;
        Hz = options.Hz;
        MaxMemory = SizeOf(options.MaxMemory);
        EvictionPolicies.TryParse(options.MaxMemoryPolicy, out var policy);
        MaxMemoryPolicy = policy;
        MaxMemorySamples = options.MaxMemorySamples;
        Dir = Path.GetFullPath(options.Dir);
        DbFilename = options.DbFilename;
        SavePoints = SavePoint.TryParse(options.Save, out var points) ? points : throw new ArgumentException($"'{options.Save}' is not a save schedule", nameof(options));
        GossipPort = options.EffectiveGossipPort;
        Seeds = NodeOptionsValidator.SplitSeeds(options.Join);
        HasSeeds = !string.IsNullOrWhiteSpace(options.Join);
        GossipKey = string.IsNullOrEmpty(options.GossipKey) ? null : Convert.FromBase64String(options.GossipKey);
        (ClusterSecret, ClusterSecretSource) = PeerSecret.Derive(options.ClusterSecret, GossipKey);
        MaxClockOffsetMs = options.MaxClockOffset;
        ProtectedMode = options.ProtectedMode == "yes";
        ClusterLabel = options.ClusterLabel ?? "";
        AnnounceIp = string.IsNullOrEmpty(options.AnnounceIp) ? null : IPAddress.Parse(options.AnnounceIp);
        GossipProfile = Enum.Parse<GossipProfile>(options.GossipProfile, ignoreCase: true);
        Zone = options.Zone;
        Weight = options.Weight;
        Replicas = options.Replicas;
        WriteQuorum = options.WriteQuorum;
        ReadQuorum = options.ReadQuorum;
        AllowMinorityReads = string.Equals(options.MinorityReads, "allow", StringComparison.OrdinalIgnoreCase);
        ReplicationTimeout = TimeSpan.FromMilliseconds(options.ReplicationTimeout);
        TombstoneHorizon = TimeSpan.FromMilliseconds(options.TombstoneHorizon);
        AntiEntropyInterval = TimeSpan.FromMilliseconds(options.AntiEntropyInterval);
        Tls = new TlsSettings(options);
        PlainPortEnabled = options.TlsPort is null || options.Port != 0 || options.PlainPortAnyWithTls;
    }

    /// <summary>The TLS port's settings and certificates (CONFIG SET changes them).</summary>
    public TlsSettings Tls { get; }

    /// <summary>False for a TLS-only node (<c>--port 0</c> with <c>--tls-port</c>, as in Redis).</summary>
    public bool PlainPortEnabled { get; }

    /// <summary>The RESP port asked for (0: any free one; the bound one is known once the listener started).</summary>
    public int RequestedPort { get; }

    /// <summary>The bind list as given (CONFIG GET bind shows it).</summary>
    public string Bind { get; }

    /// <summary>The addresses to listen on; the first one also carries gossip.</summary>
    public IReadOnlyList<IPAddress> BindAddresses { get; }

    /// <summary>The configured node name; null when it defaults to host:port.</summary>
    public string? Name { get; }

    /// <summary>When set, clients must AUTH first (CONFIG SET changes it).</summary>
    public string? RequirePass { get; set; }

    /// <summary>--aclfile: the users ACL LOAD reads and ACL SAVE writes (read at start-up); null when none.</summary>
    public string? AclFile { get; }

    public DebugCommandAccess EnableDebugCommand { get; }

    /// <summary>The redis.conf spelling of <see cref="EnableDebugCommand"/> (CONFIG GET shows it).</summary>
    public string EnableDebugCommandName => EnableDebugCommand.ToString().ToLower(CultureInfo.InvariantCulture);

    /// <summary>Largest bulk string accepted, in bytes (CONFIG SET changes it).</summary>
    public long ProtoMaxBulkLen { get; set; }

    /// <summary>Most unexecuted input per client, in bytes, as last set (CONFIG SET changes it; the limit applied never exceeds <see cref="QueryBufferCeiling"/>).</summary>
    public long ClientQueryBufferLimit { get; set; }

    /// <summary>
    /// The most unexecuted input the transport will ever buffer for one client: the start-up
    /// client-query-buffer-limit. CONFIG SET can lower the limit but not raise it past this.
    /// </summary>
    public long QueryBufferCeiling { get; }

    public int MaxClients { get; set; }

    /// <summary>Active expiry ticks a second as configured (CONFIG SET changes what INFO and CONFIG GET show; the sweep keeps its start-up rate).</summary>
    public int Hz { get; set; }

    /// <summary>Most bytes the store may hold; 0: no limit (CONFIG SET changes it).</summary>
    public long MaxMemory { get; set; }

    public EvictionPolicy MaxMemoryPolicy { get; set; }

    public int MaxMemorySamples { get; set; }

    /// <summary>repl-backlog-size as set; replication here keeps no backlog.</summary>
    public long ReplBacklogSize { get; set; } = 1024 * 1024;

    /// <summary>maxmemory-clients as set (a size or a percentage); clients are never evicted here.</summary>
    public string MaxMemoryClients { get; set; } = "0";

    /// <summary>The RDB file's folder, absolute (CONFIG SET dir changes it).</summary>
    public string Dir { get; set; }

    public string DbFilename { get; set; }

    /// <summary>When BGSAVE runs on its own (Redis' save points); empty: never.</summary>
    public IReadOnlyList<SavePoint> SavePoints { get; set; }

    /// <summary>The gossip port to bind (<c>--gossip-port</c>, else the RESP port + 10000, 0 with RESP port 0).</summary>
    public int GossipPort { get; }

    /// <summary>The <c>--join</c> seeds (gossip endpoints); empty for a node that starts a cluster of one.</summary>
    public IReadOnlyList<string> Seeds { get; }

    /// <summary>True when <c>--join</c> was given: the node keeps tombstones from the start, since it may meet its cluster later.</summary>
    public bool HasSeeds { get; }

    /// <summary>The AES key that encrypts gossip; null when gossip is plain.</summary>
    public byte[]? GossipKey { get; }

    /// <summary>The key peers prove they hold (<see cref="PeerSecret"/>); null when there is none: peers are then told by address.</summary>
    public byte[]? ClusterSecret { get; }

    /// <summary>Where <see cref="ClusterSecret"/> came from: cluster-secret, gossip-key or none.</summary>
    public string ClusterSecretSource { get; }

    /// <summary>How far ahead of the local clock a peer's version may be, in ms; 0: no bound.</summary>
    public long MaxClockOffsetMs { get; }

    /// <summary>Redis' protected mode: with no password, only loopback clients (and the cluster's members) are served (CONFIG SET changes it).</summary>
    public bool ProtectedMode { get; set; }

    public string ClusterLabel { get; }

    public IPAddress? AnnounceIp { get; }

    public GossipProfile GossipProfile { get; }

    public string? Zone { get; }

    public int Weight { get; }

    public int Replicas { get; }

    /// <summary>Copies that must hold a write before it is acknowledged; 0: a majority of the copies.</summary>
    public int WriteQuorum { get; }

    public int ReadQuorum { get; }

    /// <summary>True with <c>--minority-reads allow</c>: a node that reaches fewer than W of a slot's owners still serves its (possibly stale) copy.</summary>
    public bool AllowMinorityReads { get; }

    public TimeSpan ReplicationTimeout { get; }

    public TimeSpan TombstoneHorizon { get; }

    /// <summary>The average time between anti-entropy rounds; zero turns them off.</summary>
    public TimeSpan AntiEntropyInterval { get; }

    /// <summary>The address other nodes and clients reach this node at: --announce-ip, else the first bind address, else loopback for a wildcard bind.</summary>
    public IPAddress AnnouncedAddress =>
        AnnounceIp ?? (BindAddresses[0].Equals(IPAddress.Any) || BindAddresses[0].Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : BindAddresses[0]);

    /// <summary>Parses validated options; throws <see cref="ArgumentException"/> with the validator's one line when they are not valid.</summary>
    public static NodeSettings From(NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (NodeOptionsValidator.Validate(options) is { } error)
        {
            throw new ArgumentException(error, nameof(options));
        }

        NodeOptionsValidator.TryParseBind(options.Bind, out var addresses, out _);
        return new NodeSettings(options, addresses);
    }

    /// <summary>The write quorum for a slot with <paramref name="copies"/> owners.</summary>
    public int QuorumFor(int copies) => WriteQuorum > 0 ? Math.Min(WriteQuorum, copies) : (copies / 2) + 1;

    private static long SizeOf(string text) => MemorySize.TryParse(text, out var bytes) ? bytes : throw new ArgumentException($"'{text}' is not a size", nameof(text));
}
