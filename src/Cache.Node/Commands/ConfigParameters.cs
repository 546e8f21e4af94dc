using System.Globalization;
using Cache.Node.Configuration;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The parameters CONFIG GET and SET know: the node's own settings (redis.conf names) and
/// fixed values clients such as StackExchange.Redis ask for (databases, save, appendonly...).
/// </summary>
internal static class ConfigParameters
{
    public static IReadOnlyList<ConfigParameter> All { get; } =
    [
        new("port", s => Text(s.BoundPort)),
        new("bind", s => s.Settings.Bind),
        new("requirepass", s => s.Settings.RequirePass ?? "", v => (null, s => s.Settings.RequirePass = v.Length == 0 ? null : v)),
        new("maxclients", s => Text(s.Settings.MaxClients), v => Integer(v, 1, uint.MaxValue, n => s => s.Settings.MaxClients = (int)Math.Min(n, int.MaxValue))),
        new("proto-max-bulk-len", s => Text(s.Settings.ProtoMaxBulkLen), v => Memory(v, 1024 * 1024, n => s => s.Settings.ProtoMaxBulkLen = n, ProtocolLimits.MaxValueLength)),
        new("client-query-buffer-limit", s => Text(s.Settings.ClientQueryBufferLimit), v => Memory(v, 1024 * 1024, n => s => s.Settings.ClientQueryBufferLimit = n)),

        // Redis accepts any hz and clamps it to 1..500.
        new("hz", s => Text(s.Settings.Hz), v => Integer(v, 0, int.MaxValue, n => s => s.Settings.Hz = (int)Math.Clamp(n, 1, 500))),
        new("enable-debug-command", s => s.Settings.EnableDebugCommandName),
        new("databases", _ => "1"),
        new("replica-read-only", _ => "yes"),
        new("slave-read-only", _ => "yes"),
        new("timeout", _ => "0"),
        // Nothing is persisted: SET is accepted (suites set save "" in their overrides) and ignored.
        new("save", _ => "", _ => (null, _ => { })),
        new("appendonly", _ => "no"),
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
        new("maxmemory-samples", s => Text(s.Settings.MaxMemorySamples), v => Integer(v, 1, int.MaxValue, n => s => s.Settings.MaxMemorySamples = (int)n)),
    ];

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

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static (string?, Action<CacheServer>?) Integer(string value, long min, long max, Func<long, Action<CacheServer>> apply)
    {
        if (!RespNumbers.TryParseInt64(System.Text.Encoding.UTF8.GetBytes(value), out var n))
        {
            return ("argument couldn't be parsed into an integer", null);
        }

        return n < min || n > max ? (OutOfRange(min, max), null) : (null, apply(n));
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
