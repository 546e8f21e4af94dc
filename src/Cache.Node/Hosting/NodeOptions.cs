namespace Cache.Node.Hosting;

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
}
