using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Introspection;

/// <summary>MONITOR streams each command after it ran, hides admin commands, and follows MULTI/EXEC as Redis does.</summary>
public sealed class MonitorTests
{
    private const string LinePattern = @"^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] ";

    [Fact]
    public async Task A_monitor_sees_commands_of_other_clients_in_order_and_not_admin_ones()
    {
        await using var node = await TestNode.StartAsync();
        await using var monitor = await node.ConnectAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await monitor.CallAsync("MONITOR"));
        await client.CallAsync("SET", "foo", "bar \"q\"");
        await client.CallAsync("CONFIG", "GET", "maxmemory");   // admin: not shown
        await client.CallAsync("GET", "foo");
        await client.CallAsync("AUTH", "secret");

        Assert.Matches(LinePattern + "\"SET\" \"foo\" \"bar \\\\\"q\\\\\"\"\r\n$", await monitor.ReadReplyAsync());
        Assert.Matches(LinePattern + "\"GET\" \"foo\"\r\n$", await monitor.ReadReplyAsync());
        Assert.Matches(LinePattern + "\"AUTH\" \"\\(redacted\\)\"\r\n$", await monitor.ReadReplyAsync());
        Assert.Contains("flags=O", await client.CallAsync("CLIENT", "LIST"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multi_exec_is_shown_as_multi_the_queued_commands_then_exec()
    {
        await using var node = await TestNode.StartAsync();
        await using var monitor = await node.ConnectAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await monitor.CallAsync("MONITOR"));
        await client.CallAsync("MULTI");
        await client.CallAsync("SET", "foo", "bar");
        await client.CallAsync("EXEC");
        await client.CallAsync("MULTI");
        await client.CallAsync("NOSUCH");
        await client.CallAsync("EXEC");

        foreach (var expected in new[] { "\"MULTI\"", "\"SET\" \"foo\" \"bar\"", "\"EXEC\"", "\"MULTI\"", "\"EXEC\"" })
        {
            Assert.Matches(LinePattern + System.Text.RegularExpressions.Regex.Escape(expected) + "\r\n$", await monitor.ReadReplyAsync());
        }
    }

    [Fact]
    public async Task A_closed_monitor_is_no_longer_fed_and_monitor_in_multi_is_refused()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var monitor = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await monitor.CallAsync("MONITOR"));
        await monitor.DisposeAsync();
        await client.CallAsync("SET", "a", "1");
        // The connection's end removes it: each PING round trip gives the server time to see the close.
        for (var i = 0; i < 2000 && node.Server.Monitors.Active; i++)
        {
            await client.CallAsync("PING");
        }

        Assert.False(node.Server.Monitors.Active);

        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("MONITOR"));
        Assert.Equal("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n", await client.CallAsync("EXEC"));
    }
}
