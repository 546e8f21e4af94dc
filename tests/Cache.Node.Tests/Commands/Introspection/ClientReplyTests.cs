using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Introspection;

/// <summary>CLIENT REPLY ON|OFF|SKIP as Redis 7.0: OFF and SKIP answer nothing, ON answers OK.</summary>
public sealed class ClientReplyTests
{
    [Fact]
    public async Task Off_silences_every_reply_until_on()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.SendAsync("CLIENT", "REPLY", "OFF");
        await client.SendAsync("SET", "k", "v");
        await client.SendAsync("GET", "nosuchcommand-is-not-this");
        await client.SendAsync("BOGUS");
        await client.SendAsync("CLIENT", "REPLY", "ON");
        Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", "k"));
    }

    [Fact]
    public async Task Skip_silences_only_the_next_command_and_on_clears_it()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.SendAsync("CLIENT", "REPLY", "SKIP");
        await client.SendAsync("PING", "one");
        Assert.Equal("$3\r\ntwo\r\n", await client.CallAsync("PING", "two"));

        await client.SendAsync("CLIENT", "REPLY", "SKIP");
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "REPLY", "ON"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("CLIENT", "REPLY", "MAYBE"));
    }
}
