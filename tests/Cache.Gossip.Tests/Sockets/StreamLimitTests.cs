using System.Net;
using System.Net.Sockets;
using Cache.Gossip.Transport;

namespace Cache.Gossip.Tests.Sockets;

/// <summary>Slow inbound TCP exchanges are capped, so a flood of them cannot hold unbounded buffers.</summary>
[Collection("GossipTiming")]
public sealed class StreamLimitTests
{
    private sealed class Echo : IGossipPacketHandler
    {
        public void OnPacket(string from, ReadOnlyMemory<byte> packet)
        {
        }

        public byte[]? OnStream(string from, ReadOnlyMemory<byte> request) => request.ToArray();
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "condition not reached in 10 s");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_and_served_again_once_others_end()
    {
        await using var transport = new SocketTransport("127.0.0.1", 0) { MaxConcurrentStreams = 4, ServeTimeout = TimeSpan.FromSeconds(30) };
        await transport.StartAsync(new Echo(), default);
        var ep = new IPEndPoint(IPAddress.Loopback, transport.Port);
        var holders = new List<Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(ep);
                await s.SendAsync(new byte[] { 0, 0, 1, 0 }); // announces 256 bytes, sends none
                holders.Add(s);
            }

            await WaitFor(() => transport.ServingStreams == 4);
            using (var extra = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                await extra.ConnectAsync(ep);
                var buffer = new byte[16];
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                Assert.Equal(0, await extra.ReceiveAsync(buffer, SocketFlags.None, cts.Token)); // closed by the server
            }

            foreach (var s in holders)
            {
                s.Dispose();
            }

            await WaitFor(() => transport.ServingStreams == 0);
        }
        finally
        {
            foreach (var s in holders)
            {
                s.Dispose();
            }
        }

        var answered = new TaskCompletionSource<byte[]?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new SocketTransport("127.0.0.1", 0);
        await client.StartAsync(new Echo(), default);
        client.BeginExchange(ep.ToString(), [1, 2, 3], TimeSpan.FromSeconds(10), r => answered.TrySetResult(r));
        Assert.Equal([1, 2, 3], await answered.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
