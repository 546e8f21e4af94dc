using Cache.Node.Configuration;

namespace Cache.Node.Hosting;

/// <summary>
/// Strict command-line parsing: <c>--name value</c> or <c>--name=value</c> for known options
/// only, so a typo is an error rather than a silently ignored setting.
/// </summary>
internal static class CommandLine
{
    /// <summary>Command-line spelling → configuration key (a <see cref="NodeOptions"/> property).</summary>
    public static readonly IReadOnlyDictionary<string, string> Options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["port"] = nameof(NodeOptions.Port),
        ["bind"] = nameof(NodeOptions.Bind),
        ["name"] = nameof(NodeOptions.Name),
        ["requirepass"] = nameof(NodeOptions.RequirePass),
        ["aclfile"] = nameof(NodeOptions.AclFile),
        ["enable-debug-command"] = nameof(NodeOptions.EnableDebugCommand),
        ["proto-max-bulk-len"] = nameof(NodeOptions.ProtoMaxBulkLen),
        ["client-query-buffer-limit"] = nameof(NodeOptions.ClientQueryBufferLimit),
        ["maxclients"] = nameof(NodeOptions.MaxClients),
        ["hz"] = nameof(NodeOptions.Hz),
        ["maxmemory"] = nameof(NodeOptions.MaxMemory),
        ["maxmemory-policy"] = nameof(NodeOptions.MaxMemoryPolicy),
        ["maxmemory-samples"] = nameof(NodeOptions.MaxMemorySamples),
        ["dir"] = nameof(NodeOptions.Dir),
        ["dbfilename"] = nameof(NodeOptions.DbFilename),
        ["save"] = nameof(NodeOptions.Save),
        ["gossip-port"] = nameof(NodeOptions.GossipPort),
        ["join"] = nameof(NodeOptions.Join),
        ["gossip-key"] = nameof(NodeOptions.GossipKey),
        ["cluster-secret"] = nameof(NodeOptions.ClusterSecret),
        ["max-clock-offset"] = nameof(NodeOptions.MaxClockOffset),
        ["protected-mode"] = nameof(NodeOptions.ProtectedMode),
        ["cluster-label"] = nameof(NodeOptions.ClusterLabel),
        ["gossip-profile"] = nameof(NodeOptions.GossipProfile),
        ["announce-ip"] = nameof(NodeOptions.AnnounceIp),
        ["replicas"] = nameof(NodeOptions.Replicas),
        ["zone"] = nameof(NodeOptions.Zone),
        ["weight"] = nameof(NodeOptions.Weight),
        ["write-quorum"] = nameof(NodeOptions.WriteQuorum),
        ["read-quorum"] = nameof(NodeOptions.ReadQuorum),
        ["minority-reads"] = nameof(NodeOptions.MinorityReads),
        ["replication-timeout"] = nameof(NodeOptions.ReplicationTimeout),
        ["tombstone-horizon"] = nameof(NodeOptions.TombstoneHorizon),
        ["anti-entropy-interval"] = nameof(NodeOptions.AntiEntropyInterval),
        ["local-cluster"] = nameof(NodeOptions.LocalCluster),
        ["tls-port"] = nameof(NodeOptions.TlsPort),
        ["tls-cert-file"] = nameof(NodeOptions.TlsCertFile),
        ["tls-key-file"] = nameof(NodeOptions.TlsKeyFile),
        ["tls-ca-cert-file"] = nameof(NodeOptions.TlsCaCertFile),
        ["tls-ca-cert-dir"] = nameof(NodeOptions.TlsCaCertDir),
        ["tls-auth-clients"] = nameof(NodeOptions.TlsAuthClients),
        ["tls-protocols"] = nameof(NodeOptions.TlsProtocols),
        ["tls-ciphersuites"] = nameof(NodeOptions.TlsCipherSuites),
        ["tls-cluster"] = nameof(NodeOptions.TlsCluster),
        ["tls-replication"] = nameof(NodeOptions.TlsReplication),
        ["tls-client-cert-file"] = nameof(NodeOptions.TlsClientCertFile),
        ["tls-client-key-file"] = nameof(NodeOptions.TlsClientKeyFile),
    };

    /// <summary>Parses <paramref name="args"/> into configuration keys, or says what is wrong.</summary>
    public static bool TryParse(string[] args, out Dictionary<string, string?> values, out string? error, out bool help)
    {
        values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        error = null;
        help = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help")
            {
                help = true;
                return true;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                error = $"unexpected argument '{arg}'; options look like --port 6379 (see --help)";
                return false;
            }

            var name = arg[2..];
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (!Options.TryGetValue(name, out var key))
            {
                error = $"unknown option '--{name}'; known options: {string.Join(", ", Options.Keys.Select(k => "--" + k))}";
                return false;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"option '--{name}' needs a value";
                    return false;
                }

                value = args[++i];
            }

            values[key] = value;
        }

        return true;
    }

    /// <summary>
    /// Turns the configuration binder's "Failed to convert configuration value 'abc' at 'Port' to
    /// type 'System.Int32'." into "--port must be a whole number, not 'abc'".
    /// </summary>
    public static string DescribeBindError(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "value '(.*)' at '(.*)' to type '(.*)'");
        if (!match.Success)
        {
            return "bad setting: " + message;
        }

        var key = match.Groups[2].Value;
        var option = Options.FirstOrDefault(o => string.Equals(o.Value, key, StringComparison.OrdinalIgnoreCase)).Key ?? key;
        var kind = match.Groups[3].Value.Contains("Int", StringComparison.Ordinal) ? "a whole number" : match.Groups[3].Value;
        return $"--{option} must be {kind}, not '{match.Groups[1].Value}'";
    }

    public static string Usage =>
        """
        Usage: Cache.Node [options]

          --port <n>                      RESP port (default 6379; 0 picks a free port)
          --bind <addr>                   address(es) to listen on, space separated (default 127.0.0.1)
          --name <name>                   node name shown in INFO (default host:port)
          --requirepass <password>        require AUTH before other commands
          --protected-mode <yes|no>       with no password, refuse clients from beyond loopback
                                          (default yes; the cluster's members are let in)
          --aclfile <path>                ACL users file (ACL LOAD / ACL SAVE)
          --enable-debug-command <v>      no | local | yes (default no)
          --proto-max-bulk-len <size>     largest bulk string (default 512mb)
          --client-query-buffer-limit <s> most unexecuted input per client (default 1gb)
          --maxclients <n>                most connected clients (default 10000)
          --hz <n>                        active expiry cycles per second (default 10)
          --maxmemory <size>              most bytes the store may hold, e.g. 512mb (default 0: no limit)
          --maxmemory-policy <p>          noeviction (default) | allkeys-lru | allkeys-random |
                                          volatile-lru | volatile-random | volatile-ttl |
                                          allkeys-sieve (not in Redis; best hit ratio measured)
          --maxmemory-samples <n>         keys sampled per eviction round (default 5)
          --dir <path>                    folder of the RDB file (default: the working folder)
          --dbfilename <name>             RDB file name (default dump.rdb); loaded at start when
                                          present, on a node that joins no cluster
          --save "<secs> <changes> ..."   automatic BGSAVE points (default "": none)
          --gossip-port <n>               gossip port, UDP+TCP (default: port + 10000)
          --join <host:port,...>          gossip seeds to join (default: none, a cluster of one)
          --gossip-key <base64>           AES key (16/24/32 bytes) encrypting gossip; also the
                                          default source of the cluster secret
          --cluster-secret <secret>       what peers prove before node-to-node commands
                                          (16+ characters; default: derived from --gossip-key)
          --max-clock-offset <ms>         refuse peers' versions this far ahead of our clock
                                          (default 500; 0: no bound)
          --cluster-label <label>         keeps clusters on one network apart
          --gossip-profile <p>            lan (default), wan or local timings
          --announce-ip <ip>              address peers and clients use to reach this node
          --zone <name>                   failure domain; a slot's copies go to different zones
          --weight <n>                    relative share of slots (default 1)
          --replicas <n>                  copies of every key (default 3; fewer while the cluster is smaller)
          --write-quorum <n>              copies holding a write before it is acknowledged
                                          (default 0: a majority of the copies); counted among
                                          every member that has not left, reachable or not
          --minority-reads <r>            reads on a node reaching fewer than the write quorum of
                                          a key's owners: refuse (default, CLUSTERDOWN) or allow
          --read-quorum <n>               copies a read compares, repairing stale ones (default 1)
          --replication-timeout <ms>      wait for replicas and forwarded replies (default 2000)
          --anti-entropy-interval <ms>    time between replica digest comparisons (default 10000; 0 off)
          --tombstone-horizon <ms>        keep deletes this long so replicas cannot resurrect them (default 600000)
          --local-cluster <n>             run n nodes (1-16) in this process on ports port..port+n-1
                                          (--port 0: any free ports), joined into one cluster
          --tls-port <n>                  TLS port (default: none); with it, --port 0 means TLS only
          --tls-cert-file <pem>           server certificate (a chain may follow)
          --tls-key-file <pem>            its private key
          --tls-ca-cert-file <pem>        CA certificates clients and peers must chain to
          --tls-ca-cert-dir <dir>         a folder of CA certificates
          --tls-auth-clients <v>          yes (default) | no | optional: client certificates
          --tls-protocols "<list>"        "TLSv1.2 TLSv1.3" (default), or either alone
          --tls-ciphersuites <list>       IANA names, ':'-separated (default: the system's)
          --tls-cluster <yes|no>          links between nodes over TLS, both sides verified (default no)
          --tls-replication <yes|no>      accepted for redis.conf compatibility (default no)
          --tls-client-cert-file <pem>    certificate shown to peers (default: --tls-cert-file)
          --tls-client-key-file <pem>     its private key
          The certificate files are re-read when they change (checked every 2 s) and on CONFIG SET.

        Every option can also come from appsettings.json or GOSSIPCACHE_<Option> environment variables.
        """;
}
