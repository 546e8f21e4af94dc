using System.Text;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Resp;

/// <summary>Bad bytes get Redis' error and close only that connection; the node keeps serving and keeps its data.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(o => o.ClientQueryBufferLimit = "1mb");
        await using var client = await _node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "precious", "data"));
    }

    public Task DisposeAsync() => _node.DisposeAsync().AsTask();

    [Theory]
    [InlineData("*abc\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*1\r\n$-3\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*2\r\nXX\r\n", "-ERR Protocol error: expected '$', got 'X'\r\n")]
    [InlineData("GET \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    public async Task Protocol_errors_reply_then_close_only_that_connection(string wire, string expected)
    {
        await using var bystander = await _node.ConnectAsync();
        Assert.Equal("+PONG\r\n", await bystander.CallAsync("PING"));

        await using (var attacker = await _node.ConnectAsync())
        {
            await attacker.SendRawAsync(wire);
            Assert.Equal(expected, await attacker.ReadReplyAsync());
            Assert.True(await attacker.IsClosedByServerAsync());
        }

        Assert.Equal("$4\r\ndata\r\n", await bystander.CallAsync("GET", "precious"));
    }

    [Fact]
    public async Task An_inline_request_beyond_64k_is_refused()
    {
        await using var attacker = await _node.ConnectAsync();
        await attacker.SendRawAsync(new string('x', 70 * 1024));
        Assert.Equal("-ERR Protocol error: too big inline request\r\n", await attacker.ReadReplyAsync());
        Assert.True(await attacker.IsClosedByServerAsync());
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task A_client_over_the_query_buffer_limit_is_closed_without_harm()
    {
        await using var attacker = await _node.ConnectAsync();
        // Declares 10 MB (allowed by proto-max-bulk-len) but the 1 MB query buffer limit stops it.
        await attacker.SendRawAsync("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$10485760\r\n");
        var chunk = new byte[64 * 1024];
        var closed = false;
        try
        {
            for (var i = 0; i < 40; i++)
            {
                await attacker.SendRawAsync(chunk);
            }
        }
        catch (IOException)
        {
            closed = true;
        }

        Assert.True(closed || await attacker.IsClosedByServerAsync());
        await AssertStillServingAsync();
        await using var client = await _node.ConnectAsync();
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "big"));
    }

    [Fact]
    public async Task Random_garbage_never_takes_the_node_down()
    {
        var random = new Random(20261125);
        for (var round = 0; round < 40; round++)
        {
            var garbage = new byte[random.Next(1, 400)];
            random.NextBytes(garbage);
            if (round % 2 == 0)
            {
                garbage[0] = (byte)'*';
            }

            await using var attacker = await _node.ConnectAsync();
            await attacker.SendRawAsync(garbage);
            await attacker.SendRawAsync("\r\n*1\r\n$4\r\nPING\r\n");
        }

        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Values_of_several_megabytes_round_trip()
    {
        var value = new string('v', 5 * 1024 * 1024 / 2) + new string('w', 5 * 1024 * 1024 / 2);
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "big", value));
        Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.CallAsync("GET", "big"));
    }

    [Fact]
    public async Task A_pipeline_of_thousands_of_commands_is_answered_in_order()
    {
        await using var client = await _node.ConnectAsync();
        var batch = new StringBuilder();
        for (var i = 0; i < 5000; i++)
        {
            batch.Append(Encoding.UTF8.GetString(RespTestClient.Encode("SET", $"p{i}", $"{i}")));
            batch.Append(Encoding.UTF8.GetString(RespTestClient.Encode("GET", $"p{i}")));
        }

        await client.SendRawAsync(batch.ToString());
        for (var i = 0; i < 5000; i++)
        {
            Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
            Assert.Equal($"${i.ToString().Length}\r\n{i}\r\n", await client.ReadReplyAsync());
        }
    }

    [Fact]
    public async Task A_nul_byte_ends_an_inline_command_as_in_redis()
    {
        await using var client = await _node.ConnectAsync();
        await client.SendRawAsync("ECHO a\0b\r\n");
        Assert.Equal("$1\r\na\r\n", await client.ReadReplyAsync());
        await client.SendRawAsync("PING \0\r\n");
        Assert.Equal("+PONG\r\n", await client.ReadReplyAsync());
    }

    private async Task AssertStillServingAsync()
    {
        await using var client = await _node.ConnectAsync();
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.Equal("$4\r\ndata\r\n", await client.CallAsync("GET", "precious"));
    }
}
