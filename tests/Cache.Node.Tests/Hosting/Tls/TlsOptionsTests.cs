using Cache.Node.Cluster;
using Cache.Node.Configuration;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Hosting.Tls;

/// <summary>The tls-* options: one clear line for each mistake, and the TLS port in the gossip metadata.</summary>
public sealed class TlsOptionsTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public void Dispose() => _certs.Dispose();

    [Theory]
    [InlineData("no-cert", "--tls-port needs --tls-cert-file and --tls-key-file")]
    [InlineData("no-ca", "give --tls-ca-cert-file or --tls-ca-cert-dir")]
    [InlineData("auth-maybe", "--tls-auth-clients must be yes, no or optional, not 'maybe'")]
    [InlineData("tls11", "--tls-protocols must list TLSv1.2 and/or TLSv1.3, not 'TLSv1.1'")]
    [InlineData("bad-suite", "--tls-ciphersuites must be IANA cipher suite names")]
    [InlineData("cluster-without-port", "--tls-cluster yes needs --tls-port")]
    [InlineData("half-client-pair", "--tls-client-cert-file and --tls-client-key-file go together")]
    public void Invalid_tls_options_are_refused_with_what_to_fix(string mistake, string expected)
    {
        var options = new NodeOptions { Port = 0 };
        _certs.Configure(options);
        switch (mistake)
        {
            case "no-cert":
                options.TlsCertFile = null;
                break;
            case "no-ca":
                options.TlsCaCertFile = null;
                break;
            case "auth-maybe":
                options.TlsAuthClients = "maybe";
                break;
            case "tls11":
                options.TlsProtocols = "TLSv1.1";
                break;
            case "bad-suite":
                options.TlsCipherSuites = "ECDHE-RSA-AES256-GCM-SHA384";
                break;
            case "cluster-without-port":
                options.TlsPort = null;
                options.TlsCluster = "yes";
                break;
            case "half-client-pair":
                options.TlsClientCertFile = _certs.ClientCertFile;
                break;
        }

        Assert.Contains(expected, NodeOptionsValidator.Validate(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Good_tls_options_pass_and_no_ca_is_needed_when_nothing_is_verified()
    {
        var options = new NodeOptions { Port = 0 };
        _certs.Configure(options);
        options.TlsCipherSuites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
        Assert.Null(NodeOptionsValidator.Validate(options));
        options.TlsCaCertFile = null;
        options.TlsAuthClients = "no";
        Assert.Null(NodeOptionsValidator.Validate(options));
    }

    [Fact]
    public async Task A_key_that_does_not_match_its_certificate_stops_the_start_with_one_line()
    {
        var error = await Assert.ThrowsAsync<IOException>(() => TestNode.StartAsync(o =>
        {
            _certs.Configure(o);
            o.TlsKeyFile = _certs.RogueKeyFile;
        }));
        Assert.StartsWith("cannot load the TLS certificates: cannot load tls-cert-file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tls_port_travels_in_the_gossip_metadata_and_older_metadata_has_none()
    {
        var meta = new NodeMetadata("127.0.0.1:7000", "z1", 2, 7443);
        Assert.Equal("resp=127.0.0.1:7000;zone=z1;weight=2;tls=7443", System.Text.Encoding.UTF8.GetString(meta.Encode()));
        Assert.Equal(meta, NodeMetadata.Decode(meta.Encode()));
        Assert.Equal(0, NodeMetadata.Decode("resp=127.0.0.1:7000"u8)!.TlsPort);
        Assert.Equal(0, NodeMetadata.Decode("resp=127.0.0.1:7000;tls=99999"u8)!.TlsPort);
    }
}
