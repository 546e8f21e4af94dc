using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Cache.Node.Tests.Infrastructure;

/// <summary>
/// Certificates made at test time and written as PEM to a temp folder: a CA, a node certificate
/// it signed (SAN 127.0.0.1 and localhost, server and client use, as nodes present it to their
/// peers too), a client certificate, and a rogue CA with a certificate of its own.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly DateTimeOffset _notBefore;

    private TestCertificates(string folder, X509Certificate2 ca, X509Certificate2 rogueCa, DateTimeOffset notBefore)
    {
        Folder = folder;
        _ca = ca;
        _notBefore = notBefore;
        Ca = X509CertificateLoader.LoadCertificate(ca.RawData);
        CaFile = Write("ca.crt", ca.ExportCertificatePem());
        (NodeCertFile, NodeKeyFile, Node) = Issue(ca, "node", "node");
        (ClientCertFile, ClientKeyFile, Client) = Issue(ca, "client", "client");
        (RogueCertFile, RogueKeyFile, Rogue) = Issue(rogueCa, "rogue", "rogue");
    }

    public string Folder { get; }

    public X509Certificate2 Ca { get; }

    public string CaFile { get; }

    public string NodeCertFile { get; }

    public string NodeKeyFile { get; }

    public X509Certificate2 Node { get; private set; }

    public string ClientCertFile { get; }

    public string ClientKeyFile { get; }

    public X509Certificate2 Client { get; }

    public string RogueCertFile { get; }

    public string RogueKeyFile { get; }

    /// <summary>Signed by a CA the nodes do not trust.</summary>
    public X509Certificate2 Rogue { get; }

    public static TestCertificates Create()
    {
        var folder = Directory.CreateTempSubdirectory("gossipcache-tls-").FullName;
        // The certificates' validity must contain the real time: the TLS stack checks it against the system clock.
        var notBefore = TimeProvider.System.GetUtcNow().AddDays(-1);
        return new TestCertificates(folder, MakeCa("GossipCache Test CA", notBefore), MakeCa("Rogue CA", notBefore), notBefore);
    }

    /// <summary>Issues a new node certificate (a new key, subject <paramref name="subject"/>) and writes it over the node's files.</summary>
    public X509Certificate2 RenewNode(string subject)
    {
        var (_, _, cert) = Issue(_ca, "node", subject);
        Node = cert;
        return cert;
    }

    /// <summary>
    /// Gives a node a TLS port (a free one) with the node certificate and the CA; with
    /// <paramref name="plainToo"/> it keeps a free plain port beside it, else it is TLS only.
    /// </summary>
    internal void Configure(Cache.Node.Configuration.NodeOptions options, bool plainToo = true)
    {
        options.TlsPort = 0;
        options.TlsCertFile = NodeCertFile;
        options.TlsKeyFile = NodeKeyFile;
        options.TlsCaCertFile = CaFile;
        options.PlainPortAnyWithTls = plainToo;
    }

    /// <summary>Handshake options trusting the test CA, with <paramref name="clientCertificate"/> when given.</summary>
    /// <remarks>With <paramref name="seen"/> (given a copy of the node's certificate), no session is resumed, so every handshake shows the certificate served now.</remarks>
    public SslClientAuthenticationOptions ClientOptions(X509Certificate2? clientCertificate = null, Action<X509Certificate2>? seen = null)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(Ca);
        return new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            CertificateChainPolicy = policy,
            ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            AllowTlsResume = seen is null,
            RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is not null)
                {
                    // The handshake disposes its certificate objects: keep a copy.
                    seen?.Invoke(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
                }

                return errors == SslPolicyErrors.None;
            },
        };
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static X509Certificate2 MakeCa(string name, DateTimeOffset notBefore)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notBefore.AddDays(30));
    }

    private (string CertFile, string KeyFile, X509Certificate2 Cert) Issue(X509Certificate2 ca, string file, string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(ca, _notBefore, _notBefore.AddDays(20), serial);
        var withKey = issued.CopyWithPrivateKey(key);
        var certFile = Write(file + ".crt", withKey.ExportCertificatePem());
        var keyFile = Write(file + ".key", key.ExportPkcs8PrivateKeyPem());
        // Loaded from the PEM files, as the node loads them.
        return (certFile, keyFile, X509Certificate2.CreateFromPemFile(certFile, keyFile));
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(Folder, name);
        // Written aside then moved, so a reload never reads half a file.
        var temp = path + ".tmp";
        File.WriteAllText(temp, pem);
        File.Move(temp, path, overwrite: true);
        return path;
    }
}
