using System.Globalization;
using Cache.Node.Configuration;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The parameters CONFIG GET and SET know: the node's own settings (redis.conf names) and
/// fixed values clients such as StackExchange.Redis ask for (databases, save, appendonly...).
/// </summary>
internal static partial class ConfigParameters
{
    public static IReadOnlyList<ConfigParameter> All { get; } =
    [
        new("port", s => Text(s.Settings.PlainPortEnabled ? s.BoundPort : 0), v => Integer(v, 0, 65535, n => s => { }, n => PortChange((int)n))),
        new("bind", s => s.Settings.Bind, v => (Unchangeable("bind"), null)),
        new("requirepass", s => s.Settings.RequirePass ?? "", v => (null, s =>
        {
            s.Settings.RequirePass = v.Length == 0 ? null : v;
            s.Acl.SetRequirePass(s.Settings.RequirePass);
        })),
        new("aclfile", s => s.Settings.AclFile ?? ""),
        new("acllog-max-len", s => Text(s.Acl.Log.MaxLength), v => Integer(v, 0, int.MaxValue, n => s => s.Acl.Log.MaxLength = (int)n)),
        new("maxclients", s => Text(s.Settings.MaxClients), v => Integer(v, 1, uint.MaxValue, n => s => s.Settings.MaxClients = (int)Math.Min(n, int.MaxValue))),
        new("proto-max-bulk-len", s => Text(s.Settings.ProtoMaxBulkLen), v => Memory(v, 1024 * 1024, n => s => s.Settings.ProtoMaxBulkLen = n, ProtocolLimits.MaxValueLength)),
        new("client-query-buffer-limit", s => Text(s.Settings.ClientQueryBufferLimit), v => Memory(v, 1024 * 1024, n => s => s.Settings.ClientQueryBufferLimit = n)),

        // Redis accepts any hz and clamps it to 1..500.
        new("hz", s => Text(s.Settings.Hz), v => Integer(v, 0, int.MaxValue, n => s => s.Settings.Hz = (int)Math.Clamp(n, 1, 500))),
        new("enable-debug-command", s => s.Settings.EnableDebugCommandName),
        new("protected-mode", s => s.Settings.ProtectedMode ? "yes" : "no", v => v.ToLowerInvariant() switch
        {
            "yes" => (null, s => s.Settings.ProtectedMode = true),
            "no" => (null, s => s.Settings.ProtectedMode = false),
            _ => ("argument must be 'yes' or 'no'", null),
        }),
        // Ours (not in Redis): how far ahead of this node's clock a peer's version may be, in ms.
        new("max-clock-offset", s => Text(s.Keys.RemoteClocks.MaxOffsetMs), v => Integer(v, 0, 86_400_000, n => s => s.Keys.RemoteClocks.MaxOffsetMs = n)),
        new("databases", _ => "1"),
        new("daemonize", _ => "no"),
        // The replica rules (ReplicaRole), under their names and their older slave- aliases.
        ReadOnlyFlag("replica-read-only"),
        ReadOnlyFlag("slave-read-only"),
        StaleFlag("replica-serve-stale-data"),
        StaleFlag("slave-serve-stale-data"),
        new("min-replicas-to-write", s => Text(s.ReplicaRole.MinReplicasToWrite), v => Integer(v, 0, int.MaxValue, n => s => s.ReplicaRole.MinReplicasToWrite = (int)n)),
        new("min-replicas-max-lag", s => Text(s.ReplicaRole.MinReplicasMaxLag), v => Integer(v, 0, int.MaxValue, n => s => s.ReplicaRole.MinReplicasMaxLag = (int)n)),
        new("min-slaves-max-lag", s => Text(s.ReplicaRole.MinReplicasMaxLag), v => Integer(v, 0, int.MaxValue, n => s => s.ReplicaRole.MinReplicasMaxLag = (int)n)),
        new("min-slaves-to-write", s => Text(s.ReplicaRole.MinReplicasToWrite), v => Integer(v, 0, int.MaxValue, n => s => s.ReplicaRole.MinReplicasToWrite = (int)n)),
        // Idle clients are never closed here.
        new("timeout", _ => "0", v => Integer(v, 0, int.MaxValue, _ => _ => { }, _ => "this node only runs with timeout 0")),
        Fixed("appendonly", "no"),
        new("save", s => SavePoint.Format(s.Settings.SavePoints), v => SavePoint.TryParse(v, out var points)
            ? (null, s => s.Settings.SavePoints = points)
            : ("Invalid save parameters", null)),
        new("dir", s => s.Settings.Dir, v => (null, null)) { Protected = true },
        new("dbfilename", s => s.Settings.DbFilename, v => (null, null)) { Protected = true },
        new("replicaof", MasterAddress),
        new("slaveof", MasterAddress),
        // Kept and shown for clients that set them; replication here keeps no backlog and clients are never evicted.
        new("repl-backlog-size", s => Text(s.Settings.ReplBacklogSize), v => Memory(v, 1, n => s => s.Settings.ReplBacklogSize = n)),
        new("maxmemory-clients", s => s.Settings.MaxMemoryClients, v => ClientsMemory(v) is { } error ? (error, null) : (null, s => s.Settings.MaxMemoryClients = v)),
        new("key-load-delay", _ => "0", v => Integer(v, int.MinValue, int.MaxValue, _ => _ => { })) { Hidden = true },
        new("maxmemory", s => Text(s.Settings.MaxMemory), v => Memory(v, 0, n => s => s.Settings.MaxMemory = n)),
        new("maxmemory-policy", s => EvictionPolicies.NameOf(s.Keys.Policy), v => EvictionPolicies.TryParse(v, out var policy)
            ? (null, s => s.Settings.MaxMemoryPolicy = policy)
            : ("argument(s) must be one of the following: " + EvictionPolicies.List, null)),
        .. Limit("hash-max-listpack-entries", "hash-max-ziplist-entries", l => l.HashMaxListpackEntries, (l, n) => l.HashMaxListpackEntries = n),
        .. Limit("hash-max-listpack-value", "hash-max-ziplist-value", l => l.HashMaxListpackValue, (l, n) => l.HashMaxListpackValue = n),
        .. Limit("list-max-listpack-size", "list-max-ziplist-size", l => l.ListMaxListpackSize, (l, n) => l.ListMaxListpackSize = n, int.MinValue),
        .. Limit("set-max-intset-entries", null, l => l.SetMaxIntsetEntries, (l, n) => l.SetMaxIntsetEntries = n),
        .. Limit("set-max-listpack-entries", null, l => l.SetMaxListpackEntries, (l, n) => l.SetMaxListpackEntries = n),
        .. Limit("zset-max-listpack-entries", "zset-max-ziplist-entries", l => l.ZSetMaxListpackEntries, (l, n) => l.ZSetMaxListpackEntries = n),
        .. Limit("zset-max-listpack-value", "zset-max-ziplist-value", l => l.ZSetMaxListpackValue, (l, n) => l.ZSetMaxListpackValue = n),
        .. Limit("stream-node-max-entries", null, l => l.StreamNodeMaxEntries, (l, n) => l.StreamNodeMaxEntries = n),
        .. Limit("stream-node-max-bytes", null, l => l.StreamNodeMaxBytes, (l, n) => l.StreamNodeMaxBytes = n),
        .. Limit("list-compress-depth", null, l => l.ListCompressDepth, (l, n) => l.ListCompressDepth = n),
        // Both names of the script time limit, as Redis 7.0 (lua-time-limit is the older alias).
        new("busy-reply-threshold", s => Text(s.Scripts.BusyThresholdMs), v => Integer(v, 0, long.MaxValue, n => s => s.Scripts.BusyThresholdMs = s.Functions.Engine.BusyThresholdMs = n)),
        new("lua-time-limit", s => Text(s.Scripts.BusyThresholdMs), v => Integer(v, 0, long.MaxValue, n => s => s.Scripts.BusyThresholdMs = s.Functions.Engine.BusyThresholdMs = n)),
        // Replication parameters the suites set around the replication stream: stored
        // and answered, with Redis' ranges and defaults; the feed has no backlog or ping to tune.
        Stored("repl-ping-replica-period", "10", 1, int.MaxValue),
        Stored("repl-ping-slave-period", "10", 1, int.MaxValue),
        Stored("repl-timeout", "60", 1, int.MaxValue),
        Stored("repl-backlog-ttl", "3600", 0, int.MaxValue),
        Stored("repl-diskless-sync-delay", "5", 0, int.MaxValue),
        Stored("repl-diskless-sync-max-replicas", "0", 0, int.MaxValue),
        new("client-output-buffer-limit", s => s.OutputLimits.ToString(), ClientOutputLimits.Parse),
        new("notify-keyspace-events", s => KeyspaceEventFlags.Format(s.Notifications.Flags), v => KeyspaceEventFlags.TryParse(v, out var flags)
            ? (null, s => s.Notifications.Flags = flags)
            : ("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.", null)),
        new("tracking-table-max-keys", s => Text(s.Tracking.MaxKeys), v => Integer(v, 0, long.MaxValue, n => s =>
        {
            s.Tracking.MaxKeys = n;
            s.Tracking.LimitKeys();
        })),
        new("maxmemory-samples", s => Text(s.Settings.MaxMemorySamples), v => Integer(v, 1, int.MaxValue, n => s => s.Settings.MaxMemorySamples = (int)n)),
        .. TlsParameters(),
    ];

    private static ConfigParameter ReadOnlyFlag(string name) => YesNo(name, r => r.ReadOnly, (r, v) => r.ReadOnly = v);

    private static ConfigParameter StaleFlag(string name) => YesNo(name, r => r.ServeStaleData, (r, v) => r.ServeStaleData = v);

    // A yes/no replica rule.
    private static ConfigParameter YesNo(string name, Func<ReplicaRole, bool> get, Action<ReplicaRole, bool> set) =>
        new(name, s => get(s.ReplicaRole) ? "yes" : "no", v => v.ToLowerInvariant() switch
        {
            "yes" => (null, s => set(s.ReplicaRole, true)),
            "no" => (null, s => set(s.ReplicaRole, false)),
            _ => ("argument must be 'yes' or 'no'", null),
        });

    // CONFIG GET replicaof: "host port" while a replica, empty otherwise.
    private static string MasterAddress(CacheServer server) =>
        server.ReplicaRole.MasterHost is { } host ? $"{host} {server.ReplicaRole.MasterPort.ToString(CultureInfo.InvariantCulture)}" : "";

    // A parameter this node runs with one value only: CONFIG SET of that value succeeds, any other is refused.
    private static ConfigParameter Fixed(string name, string value) =>
        new(name, _ => value, v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase) ? (null, _ => { }) : ($"this node only runs with {name} {value}", null));

    private static string Unchangeable(string name) => $"{name} cannot change while the node runs; restart it with --{name}";

    // Redis re-binds at once; a Kestrel listener cannot move, so the new port is only checked, then refused.
    private static string? PortChange(int port)
    {
        try
        {
            using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            probe.Start();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            return "Unable to listen on this port: " + ex.Message;
        }

        return Unchangeable("port");
    }

    // maxmemory-clients: a memory value, or a percentage of maxmemory up to 100%.
    private static string? ClientsMemory(string value)
    {
        if (value.EndsWith('%'))
        {
            return !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent)
                ? "argument must be a memory or percent value"
                : percent > 100 ? "percentage argument must be less or equal to 100" : null;
        }

        return MemorySize.TryParse(value, out _) ? null : "argument must be a memory or percent value";
    }

    public static ConfigParameter? Find(string name)
    {
        foreach (var parameter in All)
        {
            if (string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return parameter;
            }
        }

        return null;
    }

    // An encoding threshold under its name and its older ziplist alias (both answer CONFIG GET, as in Redis 7.0).
    private static ConfigParameter[] Limit(string name, string? alias, Func<EncodingLimits, int> get, Action<EncodingLimits, int> set, long min = 0)
    {
        ConfigParameter Make(string n) => new(n, s => Text(get(s.Keys.Limits)), v => Integer(v, min, int.MaxValue, x => s => set(s.Keys.Limits, (int)x)));
        return alias is null ? [Make(name)] : [Make(name), Make(alias)];
    }

    private static ConfigParameter Stored(string name, string initial, long min, long max) =>
        new(name, s => s.StoredConfig.TryGetValue(name, out var v) ? v : initial, v => Integer(v, min, max, n => s => s.StoredConfig[name] = Text(n)));

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static (string?, Action<CacheServer>?) Integer(string value, long min, long max, Func<long, Action<CacheServer>> apply, Func<long, string?>? check = null)
    {
        if (!RespNumbers.TryParseInt64(System.Text.Encoding.UTF8.GetBytes(value), out var n))
        {
            return ("argument couldn't be parsed into an integer", null);
        }

        if (n < min || n > max)
        {
            return (OutOfRange(min, max), null);
        }

        return check?.Invoke(n) is { } error ? (error, null) : (null, apply(n));
    }

    private static (string?, Action<CacheServer>?) Memory(string value, long min, Func<long, Action<CacheServer>> apply, long max = long.MaxValue)
    {
        if (value.Length == 0 || value.Trim().Length != value.Length || !MemorySize.TryParse(value, out var n))
        {
            return ("argument must be a memory value", null);
        }

        return n < min || n > max ? (OutOfRange(min, max), null) : (null, apply(n));
    }

    private static string OutOfRange(long min, long max) => $"argument must be between {min} and {max} inclusive";
}
