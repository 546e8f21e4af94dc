using Cache.Client.Caching;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Caching;

/// <summary>The provider with <c>o.Tls</c> against a TLS-only node that asks for client certificates.</summary>
public sealed class GossipCacheTlsTests : IAsyncLifetime
{
    private readonly TestCertificates _certs = TestCertificates.Create();
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync(o => _certs.Configure(o, plainToo: false));

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _certs.Dispose();
    }

    private GossipCache Cache(Action<GossipCacheTlsOptions> tls) =>
        new(Options.Create(new GossipCacheOptions
        {
            Seeds = _node.Endpoint,
            CommandTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            Tls = Configure(new GossipCacheTlsOptions(), tls),
        }));

    private static GossipCacheTlsOptions Configure(GossipCacheTlsOptions options, Action<GossipCacheTlsOptions> tls)
    {
        tls(options);
        return options;
    }

    [Fact]
    public async Task Set_and_get_over_tls_with_the_ca_and_a_client_certificate()
    {
        await using var cache = Cache(t =>
        {
            t.Enabled = true;
            t.CaCertificates = [_certs.Ca];
            t.ClientCertificate = _certs.Client;
        });
        await cache.SetAsync("tls", "secret"u8.ToArray(), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        Assert.Equal("secret"u8.ToArray(), await cache.GetAsync("tls"));
    }

    [Fact]
    public async Task A_tls_only_node_has_no_plain_port()
    {
        Assert.Equal(_node.TlsPort, _node.Port);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var plain = await RespTestClient.ConnectAsync(_node.Port);
            await plain.CallAsync("PING");
        });
        await using var tls = await RespTestClient.ConnectTlsAsync(_node.TlsPort, _certs.ClientOptions(_certs.Client));
        Assert.Equal("*2\r\n$4\r\nport\r\n$1\r\n0\r\n", await tls.CallAsync("CONFIG", "GET", "port"));
    }

    [Fact]
    public async Task A_node_certificate_the_ca_did_not_sign_is_not_trusted()
    {
        await using var cache = Cache(t =>
        {
            t.Enabled = true;
            t.ClientCertificate = _certs.Client;
            // The system's roots only: the test CA is not among them.
        });
        await Assert.ThrowsAsync<GossipCacheUnavailableException>(() => cache.GetAsync("tls"));
    }

    [Fact]
    public async Task The_validation_callback_and_target_host_override_the_checks()
    {
        string? host = null;
        await using var cache = Cache(t =>
        {
            t.Enabled = true;
            t.TargetHost = "localhost";
            t.ClientCertificate = _certs.Client;
            t.ServerCertificateValidation = (sender, _, _, _) =>
            {
                host = ((System.Net.Security.SslStream)sender).TargetHostName;
                return true;
            };
        });
        await cache.SetAsync("cb", [1], new DistributedCacheEntryOptions());
        Assert.Equal("localhost", host);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_node_refuses_the_cache()
    {
        await using var cache = Cache(t =>
        {
            t.Enabled = true;
            t.CaCertificates = [_certs.Ca];
        });
        await Assert.ThrowsAsync<GossipCacheUnavailableException>(() => cache.GetAsync("tls"));
    }
}
