using System.Diagnostics;
using Cache.Client.Resp;

namespace Cache.Client.Tests.Resp;

/// <summary>Failure paths of the client connection against scripted servers.</summary>
public sealed class RespConnectionFailureTests
{
    [Fact]
    public async Task A_caller_waiting_for_an_in_flight_slot_times_out_too()
    {
        await using var server = new ScriptedServer(_ => null);
        var options = new RespConnectionOptions { MaxInFlight = 1, CommandTimeout = TimeSpan.FromMilliseconds(200) };
        await using var connection = await RespConnection.ConnectAsync(server.Endpoint, options);
        await Assert.ThrowsAsync<TimeoutException>(async () => await connection.ExecuteAsync(["PING"]));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(async () => await connection.ExecuteAsync(["PING"]));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the second call took {clock.Elapsed}");
    }

    [Fact]
    public async Task Callers_waiting_for_a_slot_fail_when_the_server_goes_away()
    {
        await using var server = new ScriptedServer(_ => null);
        var options = new RespConnectionOptions { MaxInFlight = 1, CommandTimeout = TimeSpan.FromSeconds(30) };
        await using var connection = await RespConnection.ConnectAsync(server.Endpoint, options);
        var first = connection.ExecuteAsync(["PING"]).AsTask();
        var second = connection.ExecuteAsync(["PING"]).AsTask();
        await server.CloseClientAsync();
        await Assert.ThrowsAsync<RespConnectionException>(() => first).WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<RespConnectionException>(() => second).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task A_resp3_push_is_not_mistaken_for_a_reply()
    {
        await using var server = new ScriptedServer(n => n == 0 ? ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n$5\r\nvalue\r\n" : "+PONG\r\n");
        await using var connection = await RespConnection.ConnectAsync(server.Endpoint);
        Assert.Equal("value", (await connection.ExecuteAsync(["GET", "k"])).Text);
        Assert.Equal("PONG", (await connection.ExecuteAsync(["PING"])).Text);
        Assert.True(connection.IsConnected);
    }

    [Fact]
    public async Task A_hostile_reply_fails_the_connection_instead_of_hanging_it()
    {
        await using var server = new ScriptedServer(_ => "%4611686018427387904\r\n");
        var options = new RespConnectionOptions { CommandTimeout = TimeSpan.FromSeconds(30) };
        var connection = await RespConnection.ConnectAsync(server.Endpoint, options);
        var call = connection.ExecuteAsync(["PING"]).AsTask();
        // The count is larger than anything that could arrive: the reply stays incomplete, so the
        // caller is bounded by its deadline or the close, never left hanging.
        await connection.DisposeAsync();
        await Assert.ThrowsAsync<RespConnectionException>(() => call).WaitAsync(TimeSpan.FromSeconds(5));
        await connection.DisposeAsync();
    }

    [Fact]
    public async Task A_failed_handshake_disposes_and_says_why()
    {
        await using var server = new ScriptedServer(_ => "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        var error = await Assert.ThrowsAsync<RespServerException>(async () =>
            await RespConnection.ConnectAsync(server.Endpoint, new RespConnectionOptions { Password = "nope" }));
        Assert.StartsWith("WRONGPASS", error.Message, StringComparison.Ordinal);
    }
}
