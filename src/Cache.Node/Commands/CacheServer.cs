using System.Collections.Concurrent;
using System.Security.Cryptography;
using Cache.Node.Hosting;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Everything commands share: the key space, the command table, clients, settings, counters.</summary>
internal sealed class CacheServer
{
    private long _nextClientId;

    public CacheServer(NodeOptions options, TimeProvider time)
    {
        Options = options;
        Time = time;
        Keys = new KeySpace(time);
        AntiEntropyStats = new Cluster.AntiEntropyStats(time);
        Commands = CommandTable.CreateDefault();
        StartedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        MemorySize.TryParse(options.ClientQueryBufferLimit, out var startupQueryLimit);
        QueryBufferCeiling = startupQueryLimit > 0 ? startupQueryLimit : 1L << 30;
        ApplyLimits();
    }

    /// <summary>
    /// The most unexecuted input the transport will ever buffer for one client: the start-up
    /// client-query-buffer-limit. CONFIG SET can lower the limit but not raise it past this.
    /// </summary>
    public long QueryBufferCeiling { get; }

    public NodeOptions Options { get; }

    public TimeProvider Time { get; }

    public KeySpace Keys { get; }

    public CommandTable Commands { get; }

    public ProtocolLimits Limits { get; } = new();

    public ServerStats Stats { get; } = new();

    public ConcurrentDictionary<long, ClientSession> Clients { get; } = new();

    public string RunId { get; }

    public long StartedAtMs { get; }

    /// <summary>The TCP port actually bound (known once the listener started).</summary>
    public int BoundPort { get; set; }

    /// <summary>Random numbers for RANDOMKEY and HRANDFIELD; used under the key space gate only.</summary>
    public Random Random { get; } = new();

    /// <summary>This node's gossip membership, once started (null in tests that run a bare server).</summary>
    public Cluster.ClusterMembership? Cluster { get; set; }

    /// <summary>Connections to the other nodes (forwarding, replication, hand-off); null without a cluster.</summary>
    public Cluster.PeerLinks? Peers { get; set; }

    /// <summary>Ships writes to the other owners; null without a cluster.</summary>
    public Cluster.Replicator? Replication { get; set; }

    /// <summary>Compares slot digests with peers and repairs what differs; null without a cluster.</summary>
    public Cluster.AntiEntropy? AntiEntropy { get; set; }

    /// <summary>Anti-entropy's counters.</summary>
    public Cluster.AntiEntropyStats AntiEntropyStats { get; }

    /// <summary>Pulls data when the ring changes; null without a cluster.</summary>
    public Cluster.SlotHandOff? HandOff { get; set; }

    /// <summary>Decides where keyed commands run: every key is here until the cluster's router is set.</summary>
    public ICommandRouter Router { get; set; } = StandaloneRouter.Instance;

    public bool RequiresPassword => !string.IsNullOrEmpty(Options.RequirePass);

    public long NextClientId() => Interlocked.Increment(ref _nextClientId);

    /// <summary>Re-reads the size limits from <see cref="Options"/> (start-up and CONFIG SET).</summary>
    public void ApplyLimits()
    {
        if (MemorySize.TryParse(Options.ProtoMaxBulkLen, out var bulk))
        {
            Limits.MaxBulkLength = bulk;
        }

        if (MemorySize.TryParse(Options.ClientQueryBufferLimit, out var query))
        {
            Limits.QueryBufferLimit = Math.Min(query, QueryBufferCeiling);
        }

        if (MemorySize.TryParse(Options.MaxMemory, out var maxMemory))
        {
            Keys.MaxMemory = maxMemory;
        }

        if (EvictionPolicies.TryParse(Options.MaxMemoryPolicy, out var policy))
        {
            Keys.Policy = policy;
        }

        Keys.EvictionSamples = Options.MaxMemorySamples;
    }
}
