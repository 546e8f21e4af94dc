using System.Net;

namespace Cache.Node.Configuration;

/// <summary>Checks settings at start-up so a bad value stops the node with one clear line.</summary>
internal static partial class NodeOptionsValidator
{
    public static string? Validate(NodeOptions options)
    {
        if (options.Port is < 0 or > 65535)
        {
            return $"--port must be between 0 and 65535, not {options.Port}";
        }

        if (!TryParseBind(options.Bind, out _, out var bindError))
        {
            return bindError;
        }

        if (options.EnableDebugCommand is not ("no" or "local" or "yes"))
        {
            return $"--enable-debug-command must be no, local or yes, not '{options.EnableDebugCommand}'";
        }

        if (!MemorySize.TryParse(options.ProtoMaxBulkLen, out var bulk) || bulk < 1024 * 1024 || bulk > Resp.ProtocolLimits.MaxValueLength)
        {
            return $"--proto-max-bulk-len must be a size from 1mb to 1gb less 64kb (e.g. 512mb), not '{options.ProtoMaxBulkLen}'";
        }

        if (!MemorySize.TryParse(options.ClientQueryBufferLimit, out var query) || query < 1024 * 1024)
        {
            return $"--client-query-buffer-limit must be a size of at least 1mb (e.g. 1gb), not '{options.ClientQueryBufferLimit}'";
        }

        if (!SavePoint.TryParse(options.Save ?? "", out _))
        {
            return $"--save must be \"<seconds> <changes>\" pairs (e.g. \"3600 1 300 100\") or \"\", not '{options.Save}'";
        }

        if (string.IsNullOrEmpty(options.DbFilename) || options.DbFilename.IndexOfAny(['/', '\\']) >= 0)
        {
            return $"--dbfilename must be a file name without a folder, not '{options.DbFilename}'";
        }

        if (options.MaxClients < 1)
        {
            return $"--maxclients must be at least 1, not {options.MaxClients}";
        }

        if (options.Hz is < 1 or > 500)
        {
            return $"--hz must be between 1 and 500, not {options.Hz}";
        }

        if (!MemorySize.TryParse(options.MaxMemory, out _))
        {
            return $"--maxmemory must be a size (e.g. 512mb, 0 for no limit), not '{options.MaxMemory}'";
        }

        if (!Storage.EvictionPolicies.TryParse(options.MaxMemoryPolicy, out _))
        {
            return $"--maxmemory-policy must be one of {Storage.EvictionPolicies.List}, not '{options.MaxMemoryPolicy}'";
        }

        if (options.MaxMemorySamples < 1)
        {
            return $"--maxmemory-samples must be at least 1, not {options.MaxMemorySamples}";
        }

        return ValidateGossip(options) ?? ValidateLocalCluster(options) ?? ValidateTls(options);
    }

    private static string? ValidateLocalCluster(NodeOptions options)
    {
        var n = options.LocalCluster;
        if (n == 0)
        {
            return null;
        }

        if (n is < 1 or > 16)
        {
            return $"--local-cluster must be between 1 and 16 nodes, not {n}";
        }

        if (options.GossipPort is not null)
        {
            return "--local-cluster gives each node the gossip port RESP port + 10000 (or a free one with --port 0); drop --gossip-port";
        }

        if (!string.IsNullOrEmpty(options.Name))
        {
            return "--local-cluster names each node host:port; drop --name";
        }

        var last = options.Port + n - 1;
        if (options.Port != 0 && last + 10000 > 65535)
        {
            return $"--local-cluster {n} from --port {options.Port} needs ports up to {last} and gossip ports up to {last + 10000} (> 65535); pick a lower --port, or --port 0 for any free ports";
        }

        return null;
    }

    private static string? ValidateGossip(NodeOptions options)
    {
        if (options.GossipPort is < 0 or > 65535)
        {
            return $"--gossip-port must be between 0 and 65535, not {options.GossipPort}";
        }

        if (options.Port != 0 && options.EffectiveGossipPort > 65535)
        {
            return $"--port {options.Port} leaves no default gossip port (port + 10000 > 65535); set --gossip-port";
        }

        if (!string.IsNullOrEmpty(options.GossipKey))
        {
            byte[] key;
            try
            {
                key = Convert.FromBase64String(options.GossipKey);
            }
            catch (FormatException)
            {
                return "--gossip-key must be base64 (e.g. from: openssl rand -base64 32)";
            }

            if (key.Length is not (16 or 24 or 32))
            {
                return $"--gossip-key must decode to 16, 24 or 32 bytes, not {key.Length}";
            }
        }

        if (options.ClusterSecret is { Length: > 0 and < 16 })
        {
            return $"--cluster-secret must be at least 16 characters, not {options.ClusterSecret.Length} (e.g. from: openssl rand -base64 32)";
        }

        foreach (var seed in SplitSeeds(options.Join))
        {
            var colon = seed.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), out var port) || port is < 1 or > 65535)
            {
                return $"--join: '{seed}' is not host:port (the seed's gossip port, e.g. 127.0.0.1:16379)";
            }
        }

        if (!string.IsNullOrEmpty(options.AnnounceIp) && !IPAddress.TryParse(options.AnnounceIp, out _))
        {
            return $"--announce-ip must be an IP address, not '{options.AnnounceIp}'";
        }

        if (options.GossipProfile is not ("lan" or "wan" or "local"))
        {
            return $"--gossip-profile must be lan, wan or local, not '{options.GossipProfile}'";
        }

        if (options.Weight is < 1 or > 1000)
        {
            return $"--weight must be between 1 and 1000, not {options.Weight}";
        }

        if (options.Zone is { } zone && (zone.Length > 64 || zone.Any(c => c is ';' or '=' || char.IsWhiteSpace(c))))
        {
            return $"--zone must be at most 64 characters without spaces, ';' or '=', not '{zone}'";
        }

        if (options.Replicas is < 1 or > 16)
        {
            return $"--replicas must be between 1 and 16, not {options.Replicas}";
        }

        if (options.WriteQuorum < 0 || options.WriteQuorum > options.Replicas)
        {
            return $"--write-quorum must be between 1 and --replicas ({options.Replicas}), or 0 for a majority, not {options.WriteQuorum}";
        }

        if (options.ReadQuorum < 1 || options.ReadQuorum > options.Replicas)
        {
            return $"--read-quorum must be between 1 and --replicas ({options.Replicas}), not {options.ReadQuorum}";
        }

        if (!string.Equals(options.MinorityReads, "refuse", StringComparison.OrdinalIgnoreCase) && !string.Equals(options.MinorityReads, "allow", StringComparison.OrdinalIgnoreCase))
        {
            return $"--minority-reads must be refuse or allow, not '{options.MinorityReads}'";
        }

        if (options.ReplicationTimeout is < 10 or > 600_000)
        {
            return $"--replication-timeout must be between 10 and 600000 ms, not {options.ReplicationTimeout}";
        }

        if (options.AntiEntropyInterval is < 0 or > 86_400_000 || options.AntiEntropyInterval is > 0 and < 50)
        {
            return $"--anti-entropy-interval must be 0 (off) or between 50 and 86400000 ms, not {options.AntiEntropyInterval}";
        }

        if (options.TombstoneHorizon is < 1000 or > 604_800_000)
        {
            return $"--tombstone-horizon must be between 1000 ms and 7 days (604800000), not {options.TombstoneHorizon}";
        }

        if (options.MaxClockOffset is < 0 or > 86_400_000)
        {
            return $"--max-clock-offset must be 0 (no bound) or up to 86400000 ms, not {options.MaxClockOffset}";
        }

        if (options.ProtectedMode is not ("yes" or "no"))
        {
            return $"--protected-mode must be yes or no, not '{options.ProtectedMode}'";
        }

        return null;
    }

    /// <summary>The seeds of a --join list.</summary>
    public static string[] SplitSeeds(string? join) =>
        string.IsNullOrWhiteSpace(join) ? [] : join.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Parses Redis-style bind lists: "127.0.0.1 ::1", "*", "localhost".</summary>
    public static bool TryParseBind(string bind, out List<IPAddress> addresses, out string? error)
    {
        addresses = [];
        error = null;
        foreach (var part in bind.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = part.TrimStart('-');
            if (text == "*")
            {
                addresses.Add(IPAddress.Any);
            }
            else if (string.Equals(text, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                addresses.Add(IPAddress.Loopback);
            }
            else if (IPAddress.TryParse(text, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                error = $"--bind: '{part}' is not an IP address (use e.g. 127.0.0.1, ::1 or *)";
                return false;
            }
        }

        if (addresses.Count == 0)
        {
            error = "--bind needs at least one address (e.g. 127.0.0.1)";
            return false;
        }

        return true;
    }
}
