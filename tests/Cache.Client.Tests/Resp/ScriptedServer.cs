using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cache.Client.Tests.Resp;

/// <summary>A loopback TCP server that answers each request with whatever the test scripts.</summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _serve;
    private readonly TaskCompletionSource<TcpClient> _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TcpClient? _client;

    public ScriptedServer(Func<int, string?> replyTo)
    {
        _listener.Start();
        _serve = ServeAsync(replyTo);
    }

    public EndPoint Endpoint => _listener.LocalEndpoint;

    /// <summary>Closes the accepted connection once it exists (the client sees the server go away).</summary>
    public async Task CloseClientAsync() => (await _accepted.Task.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _client?.Dispose();
        try
        {
            await _serve;
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
        }
    }

    // Counts requests by their leading '*' and answers request n with replyTo(n) (null: stay silent).
    private async Task ServeAsync(Func<int, string?> replyTo)
    {
        _client = await _listener.AcceptTcpClientAsync();
        _accepted.TrySetResult(_client);
        var stream = _client.GetStream();
        var buffer = new byte[4096];
        var requests = 0;
        while (true)
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                return;
            }

            for (var i = 0; i < n; i++)
            {
                if (buffer[i] == (byte)'*')
                {
                    var reply = replyTo(requests++);
                    if (reply is not null)
                    {
                        await stream.WriteAsync(Encoding.UTF8.GetBytes(reply));
                    }
                }
            }
        }
    }
}
