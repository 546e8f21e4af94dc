using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Resp;

/// <summary>requirepass: the same answers as a redis-server started with the same password.</summary>
public sealed class AuthTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private RedisServerProcess _redis = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(o => o.RequirePass = "s3cret");
        _redis = await RedisServerProcess.StartAsync("--requirepass", "s3cret");
    }

    public async Task DisposeAsync()
    {
        await _node.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Auth_flow_matches_redis()
    {
        string[][] script =
        [
            ["GET", "k"], ["SET", "k", "v"], ["NOSUCH"], ["GET"], ["AUTH", "wrong"], ["AUTH", "a", "b", "c"],
            ["HELLO", "3"], ["HELLO", "2", "AUTH", "default", "wrong"], ["AUTH", "s3cret"], ["SET", "k", "v"], ["GET", "k"],
            ["AUTH", "default", "s3cret"], ["AUTH", "nobody", "s3cret"], ["DEL", "k"],
        ];
        Assert.Equal(await RunAsync(_redis.Port, script), await RunAsync(_node.Port, script));
    }

    [Fact]
    public async Task Unauthenticated_clients_cannot_send_big_frames()
    {
        await using var client = await _node.ConnectAsync();
        await client.SendRawAsync("*2\r\n$4\r\nAUTH\r\n$100000\r\n");
        Assert.Equal("-ERR Protocol error: unauthenticated bulk length\r\n", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Hello_with_auth_authenticates_and_switches_protocol()
    {
        await using var client = await _node.ConnectAsync();
        var hello = await client.CallAsync("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "app");
        Assert.StartsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n", hello, StringComparison.Ordinal);
        Assert.Equal("_\r\n", await client.CallAsync("GET", "nothing"));
    }

    private static async Task<List<string>> RunAsync(int port, string[][] script)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        var replies = new List<string>();
        foreach (var command in script)
        {
            var reply = await client.CallAsync(command);
            // HELLO replies carry the server's own id and version: compare only their first line.
            replies.Add(command[0] == "HELLO" ? reply.Split("\r\n")[0] : reply);
        }

        return replies;
    }
}
