using System.Collections.Concurrent;
using System.Security.Cryptography;
using Cache.Node.Cluster;
using Cache.Node.Configuration;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>Everything commands share: the key space, the command table, clients, settings, counters.</summary>
internal sealed class CacheServer
{
    private readonly ICommandRouter _router;
    private ICommandRouter? _clusterRouter;
    private long _nextClientId;
    private NodeCluster? _cluster;

    public CacheServer(NodeSettings settings, TimeProvider time, ICommandRouter? router = null)
    {
        _router = router ?? StandaloneRouter.Instance;
        Settings = settings;
        Time = time;
        Keys = new KeySpace(time);
        Keys.RemoteClocks.MaxOffsetMs = settings.MaxClockOffsetMs;
        AntiEntropyStats = new AntiEntropyStats(time);
        Commands = CommandTable.CreateDefault();
        Acl = new AclStore(Commands, time, settings.RequirePass, settings.AclFile);
        Blocking = new BlockingRegistry(Keys, time);
        Monitors = new MonitorRegistry(time);
        Scripts = new ScriptEngine(time);
        Functions = new FunctionLibraries(time);
        Keys.Observe(Feed);
        PubSub = new PubSubRegistry(() => OutputLimits.PubSub, () => Keys.NowMs);
        FanOut = new PubSubFanOut(this);
        Notifications = new KeyspaceNotifier(this);
        Keys.Observe(Notifications);
        Tracking = new ClientTracker(this);
        StartedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        Persistence = new Persistence(this);
        ReplicaRole = new ReplicaRole(this);
        RunId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        ApplyLimits();
    }

    /// <summary>The node's settings; CONFIG SET changes the settable ones, then calls <see cref="ApplyLimits"/>.</summary>
    public NodeSettings Settings { get; }

    /// <summary>Peers' GOSSIPCACHE HELLO and AUTH: who proved to be a peer, who was refused.</summary>
    public PeerAuthentication PeerAuth { get; } = new();

    /// <summary>The Lua engine and script cache (EVAL, SCRIPT).</summary>
    public ScriptEngine Scripts { get; }

    /// <summary>The function libraries and their own Lua engine (FUNCTION, FCALL).</summary>
    public FunctionLibraries Functions { get; }

    /// <summary>The most unexecuted input the transport will ever buffer for one client (see <see cref="NodeSettings.QueryBufferCeiling"/>).</summary>
    public long QueryBufferCeiling => Settings.QueryBufferCeiling;

    public TimeProvider Time { get; }

    public KeySpace Keys { get; }

    public CommandTable Commands { get; }

    /// <summary>Clients blocked on keys (BLPOP, BZPOPMIN, ...) and their timeouts.</summary>
    public BlockingRegistry Blocking { get; }

    public ProtocolLimits Limits { get; } = new();

    /// <summary>SAVE, BGSAVE, the save points and the RDB file.</summary>
    public Persistence Persistence { get; }

    /// <summary>Master, or replica of a Redis master (REPLICAOF), and the replica rules.</summary>
    public ReplicaRole ReplicaRole { get; }

    /// <summary>The MONITOR clients, fed every command as it runs.</summary>
    public MonitorRegistry Monitors { get; }

    /// <summary>Set by SHUTDOWN; the host stops the node when it is.</summary>
    public ShutdownSignal Shutdown { get; } = new();

    /// <summary>MIGRATE's cached connections to its targets.</summary>
    public MigrateLinks MigrateLinks { get; } = new();

    /// <summary>The Redis-compatible replication stream sent to clients that sent SYNC or PSYNC.</summary>
    public ReplicationFeed Feed { get; } = new();

    /// <summary>How far a SYNC client may fall behind before it is dropped (tests lower it).</summary>
    public long ReplicaBufferLimit { get; set; } = ReplicaLink.DefaultLimit;

    /// <summary>Values of the replication parameters CONFIG SET stores without acting on (repl-ping-replica-period, repl-timeout, ...).</summary>
    public ConcurrentDictionary<string, string> StoredConfig { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Channel, pattern and shard-channel subscribers on this node.</summary>
    public PubSubRegistry PubSub { get; }

    /// <summary>Sends what is published here to the other nodes.</summary>
    public PubSubFanOut FanOut { get; }

    /// <summary>Keyspace notifications (notify-keyspace-events).</summary>
    public KeyspaceNotifier Notifications { get; }

    /// <summary>Client-side caching: CLIENT TRACKING's remembered keys and BCAST prefixes.</summary>
    public ClientTracker Tracking { get; }

    /// <summary>client-output-buffer-limit, by client class.</summary>
    public ClientOutputLimits OutputLimits { get; } = new();

    public ServerStats Stats { get; } = new();

    /// <summary>Error replies by code, for INFO errorstats.</summary>
    public Resp.ErrorReplyStats ErrorStats { get; } = new();

    public ConcurrentDictionary<long, ClientSession> Clients { get; } = new();

    public string RunId { get; }

    public long StartedAtMs { get; }

    /// <summary>The TCP port actually bound (known once the node joined its cluster; 0 before, and in a bare server).</summary>
    public int BoundPort { get; private set; }

    /// <summary>The TLS port actually bound; 0 without one.</summary>
    public int BoundTlsPort { get; set; }

    /// <summary>Random numbers for RANDOMKEY and HRANDFIELD; used under the key space gate only.</summary>
    public Random Random { get; } = new();

    /// <summary>This node's gossip membership, once started (null in tests that run a bare server).</summary>
    public ClusterMembership? Cluster => Volatile.Read(ref _cluster)?.Membership;

    /// <summary>Connections to the other nodes (forwarding, replication, hand-off); null without a cluster.</summary>
    public PeerLinks? Peers => Volatile.Read(ref _cluster)?.Peers;

    /// <summary>Ships writes to the other owners; null without a cluster.</summary>
    public Replicator? Replication => Volatile.Read(ref _cluster)?.Replication;

    /// <summary>Compares slot digests with peers and repairs what differs; null without a cluster.</summary>
    public AntiEntropy? AntiEntropy => Volatile.Read(ref _cluster)?.AntiEntropy;

    /// <summary>Anti-entropy's counters.</summary>
    public AntiEntropyStats AntiEntropyStats { get; }

    /// <summary>Pulls data when the ring changes; null without a cluster.</summary>
    public SlotHandOff? HandOff => Volatile.Read(ref _cluster)?.HandOff;

    /// <summary>
    /// Decides where keyed commands run: the cluster's router once the cluster parts are given,
    /// until then the one this server was built with (every key here, unless a test fixed one).
    /// </summary>
    public ICommandRouter Router => Volatile.Read(ref _clusterRouter) ?? _router;

    public bool RequiresPassword => Acl.DefaultNeedsAuth;

    /// <summary>ACL users, the ACL LOG and the ACL file.</summary>
    public AclStore Acl { get; }

    /// <summary>
    /// After an ACL change, as Redis: connections of deleted users are closed, and so are
    /// subscribers whose user lost access to a channel they are subscribed to.
    /// <paramref name="current"/> (the connection that made the change) closes after its reply.
    /// </summary>
    public void EnforceAcl(ClientSession? current)
    {
        foreach (var session in Clients.Values)
        {
            if (!session.Connection.User.Deleted && !session.LostChannelAccess())
            {
                continue;
            }

            if (session == current)
            {
                session.Connection.CloseRequested = true;
                continue;
            }

            Clients.TryRemove(session.Connection.Id, out _);
            session.Connection.Abort?.Invoke();
        }
    }

    public long NextClientId() => Interlocked.Increment(ref _nextClientId);

    /// <summary>
    /// Gives the server its cluster parts and the port its listener bound, once, when the
    /// composition root has built them; a second call throws.
    /// </summary>
    public void AttachCluster(NodeCluster cluster, ICommandRouter router, int boundPort)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(router);
        if (Interlocked.CompareExchange(ref _cluster, cluster, null) is not null)
        {
            throw new InvalidOperationException("The server's cluster parts are given once.");
        }

        BoundPort = boundPort;
        // Last: commands are routed by the ring only once every part they may reach is there.
        Volatile.Write(ref _clusterRouter, router);
    }

    /// <summary>Applies the size limits and eviction settings of <see cref="Settings"/> (start-up and CONFIG SET).</summary>
    public void ApplyLimits()
    {
        Limits.MaxBulkLength = Settings.ProtoMaxBulkLen;
        Limits.QueryBufferLimit = Math.Min(Settings.ClientQueryBufferLimit, QueryBufferCeiling);
        Keys.MaxMemory = Settings.MaxMemory;
        Keys.Policy = Settings.MaxMemoryPolicy;
        Keys.EvictionSamples = Settings.MaxMemorySamples;
    }
}
