using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Resp;

/// <summary>A client that sends without ever reading its replies.</summary>
public sealed class SlowReaderTests
{
    [Fact]
    public async Task Its_input_is_bounded_by_the_query_buffer_limit_and_shutdown_does_not_wait_for_it()
    {
        var node = await TestNode.StartAsync(o => o.ClientQueryBufferLimit = "4mb");
        await using (var setup = await node.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await setup.CallAsync("SET", "k", new string('x', 16 * 1024)));
        }

        var greedy = await node.ConnectAsync();
        var request = RespTestClient.Encode("GET", "k");
        var batch = Enumerable.Repeat(request, 4096).SelectMany(b => b).ToArray();
        long sent = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            // Replies are never read: the node's flush blocks, then its input fills and TCP stalls.
            while (!stop.IsCancellationRequested)
            {
                await greedy.SendRawAsync(batch).WaitAsync(TimeSpan.FromMilliseconds(500));
                sent += batch.Length;
            }
        }
        catch (TimeoutException)
        {
            // The send stalled: back-pressure reached us.
        }
        catch (IOException)
        {
        }

        // Bounded: the 4 MB limit plus socket buffers, not everything we tried to send for 3 s.
        Assert.True(sent < 64L * 1024 * 1024, $"the node accepted {sent} bytes from a client that never reads");

        await using (var bystander = await node.ConnectAsync())
        {
            Assert.Equal("+PONG\r\n", await bystander.CallAsync("PING"));
        }

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await node.DisposeAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(4), $"shutdown took {stopping.Elapsed}");
        await greedy.DisposeAsync();
    }
}
