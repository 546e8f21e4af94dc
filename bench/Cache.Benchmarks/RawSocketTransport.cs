using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Resp;

namespace Cache.Benchmarks;

/// <summary>
/// The node's command path (parser, sessions, key space) behind a bare Socket loop instead of
/// Kestrel, to measure what the transport costs: run it, then point redis-benchmark at it next to
/// the real node. `dotnet run -c Release --project bench/Cache.Benchmarks -- raw-transport 7060`
/// Minimal on purpose: no limits, no auth, no graceful shutdown; a measuring tool, not a server.
/// </summary>
internal static class RawSocketTransport
{
    public static async Task RunAsync(int port)
    {
        var server = new CacheServer(NodeSettings.From(new NodeOptions()), TimeProvider.System);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        Console.WriteLine($"raw-transport serving on 127.0.0.1:{port} (Ctrl-C to stop)");
        while (true)
        {
            var socket = await listener.AcceptAsync();
            socket.NoDelay = true;
            _ = Task.Run(() => ServeAsync(server, socket));
        }
    }

    private static async Task ServeAsync(CacheServer server, Socket socket)
    {
        var input = new byte[64 * 1024];
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        var session = new ClientSession(server, output, "raw", "raw", isLoopback: true);
        var filled = 0;
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(input.AsMemory(filled), SocketFlags.None);
                if (n == 0)
                {
                    return;
                }

                filled += n;
                var buffer = new ReadOnlySequence<byte>(input, 0, filled);
                output.ResetWrittenCount();
                using (server.Keys.Enter())
                {
                    while (session.Parser.TryParse(buffer, out var request, out var length) == ParseStatus.Complete)
                    {
                        session.Execute(request);
                        buffer = buffer.Slice(length);
                    }
                }

                var rest = (int)buffer.Length;
                input.AsSpan(filled - rest, rest).CopyTo(input);
                filled = rest;
                if (output.WrittenCount > 0)
                {
                    await socket.SendAsync(output.WrittenMemory, SocketFlags.None);
                }
            }
        }
        catch (SocketException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }
}
