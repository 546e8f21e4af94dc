namespace Cache.Client.Caching;

/// <summary>
/// Settings of <see cref="GossipCache"/>. Bindable from configuration
/// (<c>"GossipCache": { "Seeds": "10.0.0.1:6379,10.0.0.2:6379", "InstanceName": "myapp:" }</c>);
/// checked at start by <c>AddGossipCache</c>.
/// </summary>
public sealed class GossipCacheOptions
{
    /// <summary>
    /// Any nodes of the cluster, <c>host:port</c> separated by commas. One that answers is enough:
    /// the client learns the other members and the ring from it.
    /// </summary>
    public string Seeds { get; set; } = "";

    /// <summary>Prefix of every key, so several apps can share one cluster (as RedisCache's InstanceName).</summary>
    public string? InstanceName { get; set; }

    /// <summary>How long one TCP connect plus handshake to a node may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The whole budget of one cache call, failovers and redirects included. When no owner of the key
    /// answers within it, the call fails with <see cref="GossipCacheUnavailableException"/>.
    /// </summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sent with AUTH on every connection when set (the nodes' <c>--requirepass</c>).</summary>
    public string? Password { get; set; }

    /// <summary>Requests in flight per node connection; callers beyond it wait, within <see cref="CommandTimeout"/>.</summary>
    public int MaxInFlight { get; set; } = 4096;

    /// <summary>
    /// How often the client asks a node for the ring although nothing went wrong;
    /// <see cref="Timeout.InfiniteTimeSpan"/> turns the periodic check off.
    /// </summary>
    /// <remarks>
    /// Correctness does not depend on it: a node that no longer owns a key answers MOVED and a dead
    /// node fails its connection, and either refreshes the view at once. The periodic check only
    /// bounds how long an idle client keeps a stale view, so 30 s costs one small request per
    /// interval and keeps a recovered node's share of reads from waiting on the first redirect.
    /// </remarks>
    public TimeSpan TopologyRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>TLS to the nodes; off unless <see cref="GossipCacheTlsOptions.Enabled"/> is set.</summary>
    public GossipCacheTlsOptions Tls { get; set; } = new();

    /// <summary>CLIENT SETNAME on every connection when set, so <c>CLIENT LIST</c> on a node shows the app.</summary>
    public string? ClientName { get; set; }

    /// <summary>
    /// The opt-in near cache: an in-process copy of values, kept coherent by the nodes' client
    /// tracking (<c>o.NearCache.Enabled = true</c>). Off by default.
    /// </summary>
    public NearCacheOptions NearCache { get; } = new();

    /// <summary>
    /// Keeps ASP.NET's <c>HybridCache</c> coherent across app instances: a change of a key or a tag on any
    /// instance removes the other instances' in-memory (L1) copies. Needs <c>AddHybridCache()</c> in the
    /// same container; off by default. See the README's HybridCache section.
    /// </summary>
    public bool HybridCacheCoherence { get; set; }
}
