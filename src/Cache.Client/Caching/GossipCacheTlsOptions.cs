using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Cache.Client.Caching;

/// <summary>
/// TLS to the nodes' TLS ports (<c>--tls-port</c>). Off by default. The seeds, and the ring the
/// nodes report, must then be TLS endpoints: run the nodes TLS-only (<c>--port 0 --tls-port ...</c>).
/// </summary>
public sealed class GossipCacheTlsOptions
{
    /// <summary>Connects with TLS when true.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The name the nodes' certificates must carry (and the SNI sent); when null, each node's
    /// host as the client dials it (an IP address must then be in the certificate's SANs).
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>Presented to nodes that ask for one (the nodes' <c>--tls-auth-clients yes</c>, Redis' default).</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>When set, the nodes' certificates must chain to one of these instead of the system's trusted roots.</summary>
    public X509Certificate2Collection? CaCertificates { get; set; }

    /// <summary>When set, decides alone whether a node's certificate is accepted (replaces every other check).</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>The handshake options for one node.</summary>
    internal SslClientAuthenticationOptions For(EndPoint endpoint)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = TargetHost ?? endpoint switch
            {
                IPEndPoint ip => ip.Address.ToString(),
                DnsEndPoint dns => dns.Host,
                _ => endpoint.ToString(),
            },
            RemoteCertificateValidationCallback = ServerCertificateValidation,
        };
        if (ClientCertificate is not null)
        {
            options.ClientCertificates = [ClientCertificate];
        }

        if (CaCertificates is { Count: > 0 } roots)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(roots);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }
}
