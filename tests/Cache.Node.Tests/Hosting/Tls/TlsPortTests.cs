using System.Diagnostics;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Hosting.Tls;

/// <summary>The TLS port, with real clients: redis-cli --tls, StackExchange.Redis ssl=true, a raw SslStream.</summary>
public sealed class TlsPortTests : IAsyncLifetime
{
    private readonly TestCertificates _certs = TestCertificates.Create();
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync(o => _certs.Configure(o));

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _certs.Dispose();
    }

    [Fact]
    public async Task Plain_and_tls_ports_serve_side_by_side_one_key_space()
    {
        Assert.NotEqual(0, _node.TlsPort);
        Assert.NotEqual(_node.Port, _node.TlsPort);
        await using var plain = await _node.ConnectAsync();
        await using var tls = await RespTestClient.ConnectTlsAsync(_node.TlsPort, _certs.ClientOptions(_certs.Client));
        Assert.Equal("+OK\r\n", await tls.CallAsync("SET", "side", "by-side"));
        Assert.Equal("$7\r\nby-side\r\n", await plain.CallAsync("GET", "side"));
    }

    [Fact]
    public async Task Redis_cli_with_the_ca_and_a_client_certificate_talks_tls()
    {
        var (code, output) = await RedisCliAsync("--cert", _certs.ClientCertFile, "--key", _certs.ClientKeyFile, "SET", "cli", "v");
        Assert.True(code == 0, output);
        Assert.Equal("OK", output.Trim());
        (code, output) = await RedisCliAsync("--cert", _certs.ClientCertFile, "--key", _certs.ClientKeyFile, "GET", "cli");
        Assert.Equal("v", output.Trim());
    }

    [Fact]
    public async Task Redis_cli_without_a_client_certificate_is_refused_as_tls_auth_clients_yes_says()
    {
        var (_, output) = await RedisCliAsync("PING");
        Assert.DoesNotContain("PONG", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused()
    {
        await AssertRefusedAsync(_certs.ClientOptions(_certs.Rogue));
    }

    [Fact]
    public async Task StackExchange_Redis_with_ssl_true_and_a_client_certificate_works()
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", _node.TlsPort } },
            Ssl = true,
            SslHost = "127.0.0.1",
            AbortOnConnectFail = true,
            ConnectTimeout = 10_000,
        };
        options.CertificateSelection += (_, _, _, _, _) => _certs.Client;
        options.CertificateValidation += (_, cert, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None || (cert is not null && Chains(cert));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        Assert.True(await db.StringSetAsync("se", "redis"));
        Assert.Equal("redis", (string?)await db.StringGetAsync("se"));
        Assert.Equal(1, await db.ListRightPushAsync("se-list", "a"));
    }

    [Fact]
    public async Task Config_get_shows_the_tls_parameters_and_set_changes_who_gets_in()
    {
        await using var plain = await _node.ConnectAsync();
        Assert.Contains(_certs.NodeCertFile, await plain.CallAsync("CONFIG", "GET", "tls-cert-file"), StringComparison.Ordinal);
        Assert.Contains("yes", await plain.CallAsync("CONFIG", "GET", "tls-auth-clients"), StringComparison.Ordinal);
        Assert.Contains(_node.TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), await plain.CallAsync("CONFIG", "GET", "tls-port"), StringComparison.Ordinal);
        Assert.Contains("TLSv1.2 TLSv1.3", await plain.CallAsync("CONFIG", "GET", "tls-protocols"), StringComparison.Ordinal);
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'tls-auth-clients')",
            await plain.CallAsync("CONFIG", "SET", "tls-auth-clients", "maybe"), StringComparison.Ordinal);
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - Unable to update TLS configuration.",
            await plain.CallAsync("CONFIG", "SET", "tls-cert-file", "/nonexistent/node.crt"), StringComparison.Ordinal);

        await AssertRefusedAsync(_certs.ClientOptions());
        Assert.Equal("+OK\r\n", await plain.CallAsync("CONFIG", "SET", "tls-auth-clients", "optional"));
        await using (var anonymous = await RespTestClient.ConnectTlsAsync(_node.TlsPort, _certs.ClientOptions()))
        {
            Assert.Equal("+PONG\r\n", await anonymous.CallAsync("PING"));
        }

        // Optional still verifies a certificate that is given.
        await AssertRefusedAsync(_certs.ClientOptions(_certs.Rogue));
        Assert.Equal("+OK\r\n", await plain.CallAsync("CONFIG", "SET", "tls-auth-clients", "yes"));
        await AssertRefusedAsync(_certs.ClientOptions());
    }

    [Fact]
    public async Task Tls_protocols_limit_the_versions_offered()
    {
        await using var plain = await _node.ConnectAsync();
        Assert.Equal("+OK\r\n", await plain.CallAsync("CONFIG", "SET", "tls-protocols", "TLSv1.3"));
        try
        {
            var tls12 = _certs.ClientOptions(_certs.Client);
            tls12.EnabledSslProtocols = SslProtocols.Tls12;
            await AssertRefusedAsync(tls12);
            var tls13 = _certs.ClientOptions(_certs.Client);
            tls13.EnabledSslProtocols = SslProtocols.Tls13;
            await using var client = await RespTestClient.ConnectTlsAsync(_node.TlsPort, tls13);
            Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        }
        finally
        {
            await plain.CallAsync("CONFIG", "SET", "tls-protocols", "TLSv1.2 TLSv1.3");
        }
    }

    // A refused handshake fails in it (TLS 1.2) or, with TLS 1.3, at the first read, when the server has checked the client's certificate.
    private async Task AssertRefusedAsync(System.Net.Security.SslClientAuthenticationOptions options)
    {
        try
        {
            await using var client = await RespTestClient.ConnectTlsAsync(_node.TlsPort, options);
            var reply = await client.CallAsync("PING");
            Assert.Fail($"the node answered {reply} to a client it should refuse");
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
        }
    }

    private bool Chains(X509Certificate cert)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(_certs.Ca);
        return chain.Build(X509CertificateLoader.LoadCertificate(cert.GetRawCertData()));
    }

    private async Task<(int Code, string Output)> RedisCliAsync(params string[] args)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", _node.TlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls", "--cacert", _certs.CaFile }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (process.ExitCode, await stdout + await stderr);
    }
}
