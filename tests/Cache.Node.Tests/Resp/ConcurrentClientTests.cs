using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Resp;

public sealed class ConcurrentClientTests
{
    [Fact]
    public async Task A_hundred_connections_at_once_each_see_their_own_writes()
    {
        await using var node = await TestNode.StartAsync();
        var workers = Enumerable.Range(0, 100).Select(async worker =>
        {
            await using var client = await node.ConnectAsync();
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"c{worker}:{i}", $"{worker}/{i}"));
                var value = $"{worker}/{i}";
                Assert.Equal($"${value.Length}\r\n{value}\r\n", await client.CallAsync("GET", $"c{worker}:{i}"));
                Assert.Equal($":{i + 1}\r\n", await client.CallAsync("INCR", $"counter:{worker}"));
            }
        });
        await Task.WhenAll(workers);

        await using var check = await node.ConnectAsync();
        Assert.Equal($":{(100 * 50) + 100}\r\n", await check.CallAsync("DBSIZE"));
    }
}
