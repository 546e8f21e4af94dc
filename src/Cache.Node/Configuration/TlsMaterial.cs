using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cache.Node.Configuration;

/// <summary>
/// The certificates and keys of one load of the TLS files: the server's certificate with its chain,
/// the certificate this node presents to its peers, and the CA certificates that clients' and
/// peers' certificates must chain to. Immutable; a reload builds a new one.
/// </summary>
internal sealed class TlsMaterial
{
    private TlsMaterial(SslStreamCertificateContext server, SslStreamCertificateContext client, X509Certificate2Collection roots, string stamp)
    {
        Server = server;
        Client = client;
        Roots = roots;
        Stamp = stamp;
    }

    /// <summary>What the TLS port presents.</summary>
    public SslStreamCertificateContext Server { get; }

    /// <summary>What this node presents when it connects to a peer: tls-client-cert-file, else the server certificate.</summary>
    public SslStreamCertificateContext Client { get; }

    /// <summary>The trusted CA certificates (tls-ca-cert-file and every certificate in tls-ca-cert-dir).</summary>
    public X509Certificate2Collection Roots { get; }

    /// <summary>A hash of the files' contents: a reload happens only when it changes.</summary>
    public string Stamp { get; }

    /// <summary>Loads the files; throws <see cref="TlsLoadException"/> saying which file is wrong.</summary>
    public static TlsMaterial Load(TlsFiles files)
    {
        var server = LoadPair(files.CertFile, files.KeyFile, "tls-cert-file", "tls-key-file");
        var client = files.ClientCertFile is null ? server : LoadPair(files.ClientCertFile, files.ClientKeyFile, "tls-client-cert-file", "tls-client-key-file");
        var roots = new X509Certificate2Collection();
        if (files.CaCertFile is { } caFile)
        {
            Import(roots, caFile, "tls-ca-cert-file");
        }

        if (files.CaCertDir is { } caDir)
        {
            if (!Directory.Exists(caDir))
            {
                throw new TlsLoadException($"tls-ca-cert-dir '{caDir}' is not a folder");
            }

            foreach (var file in CaDirFiles(caDir))
            {
                Import(roots, file, "tls-ca-cert-dir");
            }
        }

        return new TlsMaterial(server, client, roots, StampOf(files));
    }

    /// <summary>The hash of the files as they are now; unreadable files hash as missing (the reload then reports them).</summary>
    public static string StampOf(TlsFiles files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in files.All())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(path + "\n"));
            try
            {
                hash.AppendData(File.ReadAllBytes(path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                hash.AppendData("missing"u8);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    internal static IEnumerable<string> CaDirFiles(string dir) =>
        Directory.EnumerateFiles(dir).Where(f => f.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
            || System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(f), "^[0-9a-f]{8}\\.[0-9]+$")).Order(StringComparer.Ordinal);

    private static SslStreamCertificateContext LoadPair(string? certFile, string? keyFile, string certName, string keyName)
    {
        if (certFile is null || keyFile is null)
        {
            throw new TlsLoadException($"{certName} and {keyName} are both needed");
        }

        X509Certificate2 leaf;
        var chain = new X509Certificate2Collection();
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            chain.ImportFromPemFile(certFile);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new TlsLoadException($"cannot load {certName} '{certFile}' with {keyName} '{keyFile}': {ex.Message}", ex);
        }

        // The file's first certificate is the leaf; any after it are intermediates sent with it.
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    private static void Import(X509Certificate2Collection into, string path, string name)
    {
        var before = into.Count;
        try
        {
            into.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsLoadException($"cannot load {name} '{path}': {ex.Message}", ex);
        }

        if (into.Count == before)
        {
            throw new TlsLoadException($"{name} '{path}' holds no PEM certificate");
        }
    }
}
