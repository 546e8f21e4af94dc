using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Cache.Node.Configuration;

/// <summary>
/// The TLS settings (Redis' tls-* names) and the certificates loaded from them. The handshake
/// options are built once per load and swapped whole, so a reload (the files changed, or CONFIG
/// SET) applies to the next handshake and leaves established connections alone.
/// </summary>
internal sealed class TlsSettings
{
    private readonly Lock _lock = new();
    private TlsFiles _files;
    private TlsMaterial? _material;
    private SslServerAuthenticationOptions? _server;

    public TlsSettings(NodeOptions options)
    {
        Port = options.TlsPort;
        _files = new TlsFiles(Empty(options.TlsCertFile), Empty(options.TlsKeyFile), Empty(options.TlsCaCertFile), Empty(options.TlsCaCertDir),
            Empty(options.TlsClientCertFile), Empty(options.TlsClientKeyFile));
        AuthClients = TlsOptionValues.ParseAuthClients(options.TlsAuthClients) ?? TlsAuthClients.Yes;
        Protocols = TlsOptionValues.ParseProtocols(options.TlsProtocols) ?? SslProtocols.Tls12 | SslProtocols.Tls13;
        ProtocolsText = options.TlsProtocols;
        CipherSuites = options.TlsCipherSuites;
        CipherSuitesPolicy = TlsOptionValues.ParseCipherSuites(options.TlsCipherSuites);
        Cluster = TlsOptionValues.IsYes(options.TlsCluster);
        Replication = TlsOptionValues.IsYes(options.TlsReplication);
    }

    /// <summary>The TLS port asked for (0: a free one); null when the node has no TLS port.</summary>
    public int? Port { get; }

    public bool Enabled => Port is not null;

    /// <summary>True with tls-cluster yes: the node's links to its peers use TLS, to their TLS ports.</summary>
    public bool Cluster { get; }

    /// <summary>tls-replication as given (REPLICAOF links stay plain; shown by CONFIG GET).</summary>
    public bool Replication { get; }

    public TlsFiles Files => _files;

    public TlsAuthClients AuthClients { get; private set; }

    public SslProtocols Protocols { get; private set; }

    public string ProtocolsText { get; private set; }

    public string CipherSuites { get; private set; }

    public CipherSuitesPolicy? CipherSuitesPolicy { get; private set; }

    /// <summary>How often the files are checked for changes.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Loads made since start (the first one included); for INFO and tests.</summary>
    public int Loads { get; private set; }

    /// <summary>The certificates now in use; null before the first load.</summary>
    public TlsMaterial? Material => Volatile.Read(ref _material);

    /// <summary>The options of the next handshake on the TLS port.</summary>
    public SslServerAuthenticationOptions ServerOptions => Volatile.Read(ref _server) ?? throw new InvalidOperationException("TLS is not loaded");

    /// <summary>Loads the files now; throws <see cref="TlsLoadException"/> and keeps the certificates in use when one is wrong.</summary>
    public void Load()
    {
        lock (_lock)
        {
            var material = TlsMaterial.Load(_files);
            Publish(material);
        }
    }

    /// <summary>Reloads when a file's content changed since the last load; true when it did. Throws as <see cref="Load"/>.</summary>
    public bool ReloadIfChanged()
    {
        lock (_lock)
        {
            if (_material is { } current && current.Stamp == TlsMaterial.StampOf(_files))
            {
                return false;
            }

            Publish(TlsMaterial.Load(_files));
            return true;
        }
    }

    /// <summary>CONFIG SET of a file: the new paths load at once; on failure the old paths and certificates stay.</summary>
    public void SetFiles(Func<TlsFiles, TlsFiles> change)
    {
        lock (_lock)
        {
            var files = change(_files);
            var material = TlsMaterial.Load(files);
            _files = files;
            Publish(material);
        }
    }

    /// <summary>Changes a path without loading (a node without a TLS port, or half of a pair set alone).</summary>
    public void SetPathOnly(Func<TlsFiles, TlsFiles> change)
    {
        lock (_lock)
        {
            _files = change(_files);
        }
    }

    public void SetAuthClients(TlsAuthClients value) => Rebuild(() => AuthClients = value);

    public void SetProtocols(SslProtocols value, string text) => Rebuild(() => (Protocols, ProtocolsText) = (value, text));

    public void SetCipherSuites(CipherSuitesPolicy? policy, string text) => Rebuild(() => (CipherSuitesPolicy, CipherSuites) = (policy, text));

    /// <summary>The options this node connects to a peer's TLS port with: its certificate, verified against the CA both ways.</summary>
    public SslClientAuthenticationOptions PeerClientOptions(string targetHost)
    {
        var material = Material ?? throw new InvalidOperationException("TLS is not loaded");
        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = material.Client,
            EnabledSslProtocols = Protocols,
            CipherSuitesPolicy = CipherSuitesPolicy,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = ChainPolicy(material.Roots),
            // As Redis: the peer's certificate must chain to the CA; its name is not checked (peers are dialled by IP).
            RemoteCertificateValidationCallback = static (_, _, _, errors) => (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None,
        };
    }

    private void Rebuild(Action change)
    {
        lock (_lock)
        {
            change();
            if (_material is { } material)
            {
                Publish(material);
            }
        }
    }

    // Under the lock.
    private void Publish(TlsMaterial material)
    {
        var auth = AuthClients;
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Server,
            ClientCertificateRequired = auth != TlsAuthClients.No,
            EnabledSslProtocols = Protocols,
            CipherSuitesPolicy = CipherSuitesPolicy,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = ChainPolicy(material.Roots),
            RemoteCertificateValidationCallback = auth switch
            {
                TlsAuthClients.No => static (_, _, _, _) => true,
                TlsAuthClients.Optional => static (_, _, _, errors) => errors is SslPolicyErrors.None or SslPolicyErrors.RemoteCertificateNotAvailable,
                _ => static (_, _, _, errors) => errors == SslPolicyErrors.None,
            },
        };
        Volatile.Write(ref _material, material);
        Volatile.Write(ref _server, options);
        Loads++;
    }

    private static X509ChainPolicy ChainPolicy(X509Certificate2Collection roots)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        return policy;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
