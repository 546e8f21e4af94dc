using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Hosting;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_node_closes_idle_clients_promptly()
    {
        var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));

        var stopping = node.DisposeAsync().AsTask();
        Assert.True(await client.IsClosedByServerAsync());
        // Well inside the 5 s shutdown timeout: idle connections are woken, not waited out.
        await stopping.WaitAsync(TimeSpan.FromSeconds(4));
    }
}
