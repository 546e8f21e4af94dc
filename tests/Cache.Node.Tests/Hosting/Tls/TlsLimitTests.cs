using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Hosting.Tls;

/// <summary>The hostile-input and slow-client limits hold behind the TLS middleware as on the plain port.</summary>
public sealed class TlsLimitTests : IAsyncLifetime
{
    private readonly TestCertificates _certs = TestCertificates.Create();
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync(o =>
    {
        _certs.Configure(o);
        o.ClientQueryBufferLimit = "4mb";
    });

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        _certs.Dispose();
    }

    private Task<RespTestClient> ConnectTlsAsync() => RespTestClient.ConnectTlsAsync(_node.TlsPort, _certs.ClientOptions(_certs.Client));

    [Fact]
    public async Task An_oversized_bulk_gets_the_protocol_error_and_closes_only_that_connection()
    {
        await using var bystander = await ConnectTlsAsync();
        await using (var attacker = await ConnectTlsAsync())
        {
            await attacker.SendRawAsync("*1\r\n$536870913\r\n");
            Assert.Equal("-ERR Protocol error: invalid bulk length\r\n", await attacker.ReadReplyAsync());
            Assert.True(await attacker.IsClosedByServerAsync());
        }

        Assert.Equal("+PONG\r\n", await bystander.CallAsync("PING"));
    }

    [Fact]
    public async Task A_bulk_beyond_the_query_buffer_limit_closes_the_connection()
    {
        await using var attacker = await ConnectTlsAsync();
        // Declares 10 MB (allowed by proto-max-bulk-len); the 4 MB query buffer limit stops it.
        await attacker.SendRawAsync("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$10485760\r\n");
        var chunk = new byte[64 * 1024];
        var closed = false;
        try
        {
            for (var i = 0; i < 160; i++)
            {
                await attacker.SendRawAsync(chunk);
            }
        }
        catch (IOException)
        {
            closed = true;
        }

        Assert.True(closed || await attacker.IsClosedByServerAsync());
        await using var client = await ConnectTlsAsync();
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "big"));
    }

    [Fact]
    public async Task A_client_that_never_reads_is_bounded_and_shutdown_does_not_wait_for_it()
    {
        await using (var setup = await ConnectTlsAsync())
        {
            Assert.Equal("+OK\r\n", await setup.CallAsync("SET", "k", new string('x', 16 * 1024)));
        }

        var greedy = await ConnectTlsAsync();
        var batch = Enumerable.Repeat(RespTestClient.Encode("GET", "k"), 4096).SelectMany(b => b).ToArray();
        long sent = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await greedy.SendRawAsync(batch).WaitAsync(TimeSpan.FromMilliseconds(500));
                sent += batch.Length;
            }
        }
        catch (TimeoutException)
        {
            // The send stalled: back-pressure reached us through TLS.
        }
        catch (IOException)
        {
        }

        Assert.True(sent < 64L * 1024 * 1024, $"the node accepted {sent} bytes over TLS from a client that never reads");
        await using (var bystander = await ConnectTlsAsync())
        {
            Assert.Equal("+PONG\r\n", await bystander.CallAsync("PING"));
        }

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await _node.DisposeAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(6), $"shutdown took {stopping.Elapsed}");
        await greedy.DisposeAsync();
        _node = await TestNode.StartAsync(o => _certs.Configure(o));
    }
}
