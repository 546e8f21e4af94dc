using System.Net;
using System.Net.Sockets;
using Cache.Client.Resp;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Client.Tests.Resp;

/// <summary>The client connection against a real redis-server over loopback.</summary>
public sealed class RespConnectionTests : IAsyncLifetime
{
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServerProcess.StartAsync();

    public Task DisposeAsync() => _redis.DisposeAsync().AsTask();

    private IPEndPoint Endpoint => new(IPAddress.Loopback, _redis.Port);

    [Fact]
    public async Task Runs_commands_and_returns_error_replies()
    {
        await using var connection = await RespConnection.ConnectAsync(Endpoint, new RespConnectionOptions { ClientName = "tests" });
        Assert.Equal("OK", (await connection.ExecuteAsync(["SET", "k", "v"])).Text);
        Assert.Equal("v", (await connection.ExecuteAsync(["GET", "k"])).Text);
        Assert.True((await connection.ExecuteAsync(["GET", "missing"])).IsNull);
        var error = await connection.ExecuteAsync(["HGET", "k", "f"]);
        Assert.True(error.IsError);
        Assert.StartsWith("WRONGTYPE", error.Text, StringComparison.Ordinal);
        Assert.Throws<RespServerException>(() => error.ThrowIfError());
        Assert.Equal("tests", (await connection.ExecuteAsync(["CLIENT", "GETNAME"])).Text);
    }

    [Fact]
    public async Task Thousands_of_concurrent_callers_share_one_connection_and_get_their_own_replies()
    {
        await using var connection = await RespConnection.ConnectAsync(Endpoint, new RespConnectionOptions { MaxInFlight = 64 });
        var calls = Enumerable.Range(0, 5000).Select(async i =>
        {
            var reply = await connection.ExecuteAsync(["ECHO", $"message-{i}"]);
            Assert.Equal($"message-{i}", reply.Text);
        });
        await Task.WhenAll(calls);
    }

    [Fact]
    public async Task A_server_that_goes_away_fails_pending_and_later_requests()
    {
        await using var server = await RedisServerProcess.StartAsync();
        await using var connection = await RespConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port));
        Assert.Equal("PONG", (await connection.ExecuteAsync(["PING"])).Text);
        await server.DisposeAsync();
        await Assert.ThrowsAsync<RespConnectionException>(async () =>
        {
            // The first call may still be written before the close is noticed; one of these fails.
            for (var i = 0; i < 100; i++)
            {
                await connection.ExecuteAsync(["PING"]);
            }
        });
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task A_silent_server_times_out_instead_of_hanging()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var options = new RespConnectionOptions { CommandTimeout = TimeSpan.FromMilliseconds(200) };
        await using var connection = await RespConnection.ConnectAsync(silent.LocalEndpoint, options);
        var error = await Assert.ThrowsAsync<TimeoutException>(async () => await connection.ExecuteAsync(["PING"]));
        Assert.Contains("No reply from", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connecting_to_a_closed_port_fails_with_advice()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var endpoint = (IPEndPoint)probe.LocalEndpoint;
        probe.Stop();
        var error = await Assert.ThrowsAsync<RespConnectionException>(async () => await RespConnection.ConnectAsync(endpoint));
        Assert.Contains("Check that a node listens there", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancellation_is_honoured_while_waiting_for_a_reply()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        await using var connection = await RespConnection.ConnectAsync(silent.LocalEndpoint);
        using var cancel = new CancellationTokenSource();
        var call = connection.ExecuteAsync(["PING"], cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }
}
