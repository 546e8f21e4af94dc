using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>
/// Settings of one gossip node. Start from a preset (<see cref="Lan"/>, <see cref="Wan"/>,
/// <see cref="Local"/>, which carry memberlist's documented defaults) and override what differs.
/// </summary>
public sealed class GossipOptions
{
    /// <summary>Unique name of this node in the cluster (at most 255 UTF-8 bytes).</summary>
    public string NodeName { get; set; } = "";

    /// <summary>Address the sockets bind to.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";

    /// <summary>UDP and TCP port; 0 picks a free one.</summary>
    public int Port { get; set; } = 7946;

    /// <summary>Address advertised to other members; empty means the bound address (or 127.0.0.1 when bound to any).</summary>
    public string AdvertiseAddress { get; set; } = "";

    /// <summary>Seed addresses (host:port) used by <see cref="GossipNode.StartAsync"/> when not empty.</summary>
    public IList<string> Seeds { get; } = new List<string>();

    /// <summary>Optional primary encryption key (16, 24 or 32 bytes); installed into the keyring at start.</summary>
    public byte[]? SecretKey { get; set; }

    /// <summary>Optional keyring shared with the application, for key rotation.</summary>
    public Keyring? Keyring { get; set; }

    /// <summary>
    /// With a key: how far an encrypted packet's timestamp may be from the local clock before it is dropped
    /// as stale (the replay window's time bound). Members' clocks must agree within it.
    /// </summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Cluster label; packets carrying another label (or none, when set) are dropped.</summary>
    public string ClusterLabel { get; set; } = "";

    /// <summary>Metadata advertised by this node (at most <see cref="MaxMetadataSize"/> bytes).</summary>
    public ReadOnlyMemory<byte> Metadata { get; set; }

    /// <summary>Upper bound of metadata size, memberlist's MetaMaxSize.</summary>
    public int MaxMetadataSize { get; set; } = 512;

    /// <summary>Time between failure probes.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time to wait for a direct ack before indirect probes.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Number of members asked to probe indirectly.</summary>
    public int IndirectChecks { get; set; } = 3;

    /// <summary>Time between gossip rounds.</summary>
    public TimeSpan GossipInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Members gossiped to per round.</summary>
    public int GossipNodes { get; set; } = 3;

    /// <summary>How long dead and left members keep receiving gossip (left ones are then removed).</summary>
    public TimeSpan GossipToTheDeadTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a failed member is remembered and retried by push/pull (Serf's reconnect), so partitions heal.</summary>
    public TimeSpan ReconnectTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Suspicion timeout multiplier (scaled by log10 of cluster size and the probe interval).</summary>
    public int SuspicionMult { get; set; } = 4;

    /// <summary>Lifeguard: the maximum suspicion timeout is this multiple of the minimum.</summary>
    public int SuspicionMaxTimeoutMult { get; set; } = 6;

    /// <summary>Broadcast retransmissions are RetransmitMult · ceil(log10(N+1)).</summary>
    public int RetransmitMult { get; set; } = 4;

    /// <summary>Time between full state exchanges; zero disables them.</summary>
    public TimeSpan PushPullInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of a stream exchange (push/pull, TCP fallback ping).</summary>
    public TimeSpan StreamTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lifeguard local health awareness: maximum score (timeouts scale by score+1). 1 disables it.</summary>
    public int AwarenessMaxMultiplier { get; set; } = 8;

    /// <summary>Whether a failed direct probe also tries a ping over the stream transport.</summary>
    public bool TcpFallbackPing { get; set; } = true;

    /// <summary>Deflate push/pull state over 1 KB (receivers always accept deflated messages).</summary>
    public bool CompressStreams { get; set; } = true;

    /// <summary>Largest UDP packet this node sends.</summary>
    public int MaxPacketSize { get; set; } = 1400;

    /// <summary>First delay between join attempts when no seed answers; doubled up to <see cref="JoinMaxBackoff"/>.</summary>
    public TimeSpan JoinInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest delay between join attempts.</summary>
    public TimeSpan JoinMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Join attempts before <see cref="GossipNode.JoinAsync"/> gives up; 0 means until cancelled.</summary>
    public int JoinMaxAttempts { get; set; } = 5;

    /// <summary>Seed of the node's random choices; null seeds from the OS. Simulations set it for determinism.</summary>
    public int? RandomSeed { get; set; }

    /// <summary>memberlist's DefaultLANConfig.</summary>
    public static GossipOptions Lan() => new();

    /// <summary>memberlist's DefaultWANConfig.</summary>
    public static GossipOptions Wan() => new()
    {
        ProbeInterval = TimeSpan.FromSeconds(5),
        ProbeTimeout = TimeSpan.FromSeconds(3),
        GossipInterval = TimeSpan.FromMilliseconds(500),
        GossipNodes = 4,
        GossipToTheDeadTime = TimeSpan.FromSeconds(60),
        SuspicionMult = 6,
        PushPullInterval = TimeSpan.FromSeconds(60),
        StreamTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>memberlist's DefaultLocalConfig (loopback or one host).</summary>
    public static GossipOptions Local() => new()
    {
        ProbeInterval = TimeSpan.FromSeconds(1),
        ProbeTimeout = TimeSpan.FromMilliseconds(200),
        GossipInterval = TimeSpan.FromMilliseconds(100),
        GossipToTheDeadTime = TimeSpan.FromSeconds(15),
        SuspicionMult = 3,
        RetransmitMult = 2,
        PushPullInterval = TimeSpan.FromSeconds(15),
        IndirectChecks = 1,
        StreamTimeout = TimeSpan.FromSeconds(1),
    };

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(NodeName) || System.Text.Encoding.UTF8.GetByteCount(NodeName) > 255)
        {
            throw new ArgumentException("NodeName must be 1..255 UTF-8 bytes.", nameof(NodeName));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(ClusterLabel) > 255)
        {
            throw new ArgumentException("ClusterLabel must be at most 255 UTF-8 bytes.", nameof(ClusterLabel));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port));
        }

        if (Metadata.Length > MaxMetadataSize || MaxMetadataSize > 1024)
        {
            throw new ArgumentException("Metadata exceeds MaxMetadataSize (at most 1024).", nameof(Metadata));
        }

        if (ProbeInterval <= TimeSpan.Zero || ProbeTimeout <= TimeSpan.Zero || ProbeTimeout > ProbeInterval)
        {
            throw new ArgumentException("Need 0 < ProbeTimeout <= ProbeInterval.", nameof(ProbeTimeout));
        }

        if (GossipInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(GossipInterval));
        }

        if (SuspicionMult < 1 || SuspicionMaxTimeoutMult < 1 || RetransmitMult < 1 || AwarenessMaxMultiplier < 1)
        {
            throw new ArgumentException("Multipliers must be at least 1.");
        }

        if (MaxPacketSize is < 512 or > 65000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxPacketSize));
        }

        if (MaxClockSkew < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxClockSkew), "MaxClockSkew must be at least one second.");
        }

        if (SecretKey is not null)
        {
            Keyring.ValidateKey(SecretKey);
        }
    }
}
