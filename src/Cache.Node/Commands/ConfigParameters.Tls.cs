using Cache.Node.Configuration;

namespace Cache.Node.Commands;

/// <summary>
/// The tls-* parameters. Setting a file loads the certificates at once (the next handshakes get
/// them, open connections keep theirs); a file that does not load is refused with Redis' words
/// and the certificates in use stay.
/// </summary>
internal static partial class ConfigParameters
{
    private const string TlsUpdateFailed = "Unable to update TLS configuration. Check server logs.";

    private static ConfigParameter[] TlsParameters() =>
    [
        new("tls-port", s => Text(s.BoundTlsPort), v => (Unchangeable("tls-port"), null)),
        TlsFile("tls-cert-file", f => f.CertFile, (f, v) => f with { CertFile = v }),
        TlsFile("tls-key-file", f => f.KeyFile, (f, v) => f with { KeyFile = v }),
        TlsFile("tls-ca-cert-file", f => f.CaCertFile, (f, v) => f with { CaCertFile = v }),
        TlsFile("tls-ca-cert-dir", f => f.CaCertDir, (f, v) => f with { CaCertDir = v }),
        TlsFile("tls-client-cert-file", f => f.ClientCertFile, (f, v) => f with { ClientCertFile = v }),
        TlsFile("tls-client-key-file", f => f.ClientKeyFile, (f, v) => f with { ClientKeyFile = v }),
        new("tls-auth-clients", s => TlsOptionValues.Format(s.Settings.Tls.AuthClients), v => TlsOptionValues.ParseAuthClients(v) is { } mode
            ? (null, s => s.Settings.Tls.SetAuthClients(mode))
            : ("argument(s) must be one of the following: yes, no, optional", null)),
        new("tls-protocols", s => s.Settings.Tls.ProtocolsText, v => TlsOptionValues.ParseProtocols(v) is { } protocols
            ? (null, s => s.Settings.Tls.SetProtocols(protocols, v))
            : (TlsUpdateFailed, null)),
        new("tls-ciphersuites", s => s.Settings.Tls.CipherSuites, v => TlsOptionValues.TryParseCipherSuites(v, out var policy)
            ? (null, s => s.Settings.Tls.SetCipherSuites(policy, v))
            : (TlsUpdateFailed, null)),
        new("tls-cluster", s => s.Settings.Tls.Cluster ? "yes" : "no", v => (Unchangeable("tls-cluster"), null)),
        new("tls-replication", s => s.Settings.Tls.Replication ? "yes" : "no", v => (Unchangeable("tls-replication"), null)),
    ];

    // A file is checked when parsed, so a bad one fails the whole CONFIG SET before anything applies;
    // the load then pairs it with the other files (a certificate with a key that does not match fails there and is logged).
    private static ConfigParameter TlsFile(string name, Func<TlsFiles, string?> get, Func<TlsFiles, string?, TlsFiles> with) =>
        new(name, s => get(s.Settings.Tls.Files) ?? "", v => v.Length == 0 || File.Exists(v) || (name == "tls-ca-cert-dir" && Directory.Exists(v))
            ? (null, s => ApplyTlsFile(s.Settings.Tls, f => with(f, v.Length == 0 ? null : v)))
            : (TlsUpdateFailed, null))
        {
            Volatile = true,
        };

    private static void ApplyTlsFile(TlsSettings tls, Func<TlsFiles, TlsFiles> change)
    {
        if (!tls.Enabled)
        {
            tls.SetPathOnly(change);
            return;
        }

        try
        {
            tls.SetFiles(change);
        }
        catch (TlsLoadException)
        {
            // The path is kept so a later SET of its pair completes it (the watcher logs the failure); the certificates in use stay.
            tls.SetPathOnly(change);
        }
    }
}
