using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands;

public sealed class ProtectedCommandTests
{
    [Fact]
    public async Task A_refused_debug_inside_multi_aborts_the_transaction()
    {
        await using var node = await TestNode.StartAsync(o => o.EnableDebugCommand = "no");
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.StartsWith("-ERR DEBUG command not allowed.", await client.CallAsync("DEBUG", "GC"), StringComparison.Ordinal);
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "k", "v"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", await client.CallAsync("EXEC"));
        Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", "k"));
    }
}
