using System.Security.Cryptography.X509Certificates;
using Cache.Node.Configuration;
using Cache.Node.Hosting;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Hosting.Tls;

/// <summary>New certificates reach new handshakes (files changed, or CONFIG SET) and open connections stay.</summary>
public sealed class TlsReloadTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create();

    public void Dispose() => _certs.Dispose();

    [Fact]
    public void The_watcher_loads_changed_files_on_its_tick_only_and_keeps_the_old_ones_when_the_new_do_not_load()
    {
        var options = new NodeOptions { Port = 0 };
        _certs.Configure(options);
        var settings = NodeSettings.From(options);
        settings.Tls.Load();
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 7, 3, 4, 5, 6, TimeSpan.Zero));
        using var watcher = new TlsReloadService(settings, time, NullLogger<TlsReloadService>.Instance);
        watcher.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        var first = settings.Tls.Material!;

        time.Advance(settings.Tls.ReloadInterval);
        Assert.Same(first, settings.Tls.Material);

        var renewed = _certs.RenewNode("renewed");
        Assert.Same(first, settings.Tls.Material);
        time.Advance(settings.Tls.ReloadInterval - TimeSpan.FromMilliseconds(1));
        Assert.Same(first, settings.Tls.Material);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var second = settings.Tls.Material!;
        Assert.NotSame(first, second);
        Assert.Equal(renewed.Thumbprint, second.Server.TargetCertificate.Thumbprint);
        Assert.Same(second.Server, settings.Tls.ServerOptions.ServerCertificateContext);

        // A key that no longer matches its certificate (half of a renewal written): the loaded pair stays.
        File.Copy(_certs.RogueKeyFile, _certs.NodeKeyFile, overwrite: true);
        time.Advance(settings.Tls.ReloadInterval);
        Assert.Same(second, settings.Tls.Material);
    }

    [Fact]
    public async Task A_new_handshake_gets_the_new_certificate_and_an_open_connection_keeps_working()
    {
        await using var node = await TestNode.StartAsync(o => _certs.Configure(o));
        X509Certificate2? seen = null;
        await using var before = await RespTestClient.ConnectTlsAsync(node.TlsPort, _certs.ClientOptions(_certs.Client, c => seen = c));
        Assert.Equal("CN=node", seen!.Subject);

        var renewed = _certs.RenewNode("renewed");
        await using (var admin = await node.ConnectAsync())
        {
            // The files' paths are unchanged: CONFIG SET of the same path reloads them now, as in Redis.
            Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "tls-cert-file", _certs.NodeCertFile, "tls-key-file", _certs.NodeKeyFile));
        }

        await using var after = await RespTestClient.ConnectTlsAsync(node.TlsPort, _certs.ClientOptions(_certs.Client, c => seen = c));
        Assert.Equal(renewed.Thumbprint, seen!.Thumbprint);
        Assert.Equal("+PONG\r\n", await after.CallAsync("PING"));
        Assert.Equal("+PONG\r\n", await before.CallAsync("PING"));
    }

    [Fact]
    public async Task The_node_picks_up_renewed_files_by_itself()
    {
        await using var node = await TestNode.StartAsync(o => _certs.Configure(o));
        var renewed = _certs.RenewNode("renewed-on-disk");
        X509Certificate2? seen = null;
        // The watcher runs on the node's clock (real here, every 2 s): new handshakes until one shows the new certificate.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            await using (var client = await RespTestClient.ConnectTlsAsync(node.TlsPort, _certs.ClientOptions(_certs.Client, c => seen = c)))
            {
                Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
            }

            if (seen!.Thumbprint == renewed.Thumbprint)
            {
                break;
            }

            Assert.False(timeout.IsCancellationRequested, "the renewed certificate was never served");
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
