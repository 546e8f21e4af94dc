using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cache.Node.Tests.Infrastructure;

/// <summary>
/// A deliberately dumb RESP client over a real socket: sends commands or raw bytes and reads
/// back whole replies as their exact wire text, so tests can compare bytes with Redis.
/// </summary>
public sealed class RespTestClient : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RespTestClient(TcpClient tcp, Stream? stream = null)
    {
        _tcp = tcp;
        _stream = stream ?? tcp.GetStream();
    }

    /// <summary>A client over TLS: the node's certificate checked against <paramref name="options"/>' CA, a client certificate when it has one.</summary>
    public static async Task<RespTestClient> ConnectTlsAsync(int port, System.Net.Security.SslClientAuthenticationOptions options)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
        var ssl = new System.Net.Security.SslStream(tcp.GetStream());
        try
        {
            await ssl.AuthenticateAsClientAsync(options).WaitAsync(Timeout);
        }
        catch
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw;
        }

        return new RespTestClient(tcp, ssl);
    }

    public static async Task<RespTestClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
        return new RespTestClient(tcp);
    }

    /// <summary>A client over a connection made elsewhere (from inside a network namespace).</summary>
    public static RespTestClient Over(TcpClient tcp) => new(tcp);

    /// <summary>Sends one command as a RESP multibulk and returns its reply.</summary>
    public async Task<string> CallAsync(params string[] args)
    {
        await SendAsync(args);
        return await ReadReplyAsync();
    }

    public Task SendAsync(params string[] args) => SendRawAsync(Encode(args));

    /// <summary>Sends a command with binary arguments and returns a bulk reply's bytes (null for a nil); throws on any other reply.</summary>
    public async Task<byte[]?> CallBulkAsync(params byte[][] args)
    {
        await SendRawAsync(EncodeBinary(args));
        var line = await ReadLineAsync();
        if (line == "$-1")
        {
            return null;
        }

        if (line[0] != '$')
        {
            throw new InvalidOperationException("Not a bulk reply: " + line);
        }

        var bytes = await ReadBytesAsync(int.Parse(line.AsSpan(1)) + 2);
        return bytes[..^2];
    }

    private static byte[] EncodeBinary(byte[][] args)
    {
        var request = new List<byte>(Encoding.ASCII.GetBytes($"*{args.Length}\r\n"));
        foreach (var arg in args)
        {
            request.AddRange(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            request.AddRange(arg);
            request.AddRange("\r\n"u8.ToArray());
        }

        return [.. request];
    }

    /// <summary>Sends a command with binary arguments and returns its reply as text.</summary>
    public async Task<string> CallAsync(params byte[][] args)
    {
        await SendRawAsync(EncodeBinary(args));
        return await ReadReplyAsync();
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes).AsTask().WaitAsync(Timeout);
        await _stream.FlushAsync().WaitAsync(Timeout);
    }

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public static byte[] Encode(params string[] args)
    {
        var sb = new StringBuilder();
        sb.Append('*').Append(args.Length).Append("\r\n");
        foreach (var a in args)
        {
            sb.Append('$').Append(Encoding.UTF8.GetByteCount(a)).Append("\r\n").Append(a).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Reads one complete reply (nested aggregates included) and returns its exact bytes as text.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var sb = new StringBuilder();
        await ReadValueAsync(sb);
        return sb.ToString();
    }

    /// <summary>
    /// Reads the RDB payload a master sends after SYNC ("$length" then the bytes, no CRLF after),
    /// skipping the newlines it may send while it prepares it; returns the payload.
    /// </summary>
    public async Task<byte[]> ReadSyncPayloadAsync()
    {
        while (true)
        {
            if (_start == _end)
            {
                await FillAsync();
            }

            if (_buffer[_start] == '$')
            {
                break;
            }

            _start++;
        }

        var line = await ReadLineAsync();
        return await ReadBytesAsync(int.Parse(line.AsSpan(1)));
    }

    private async Task<byte[]> ReadBytesAsync(int length)
    {
        var bytes = new byte[length];
        var got = 0;
        while (got < length)
        {
            if (_start == _end)
            {
                await FillAsync();
            }

            var n = Math.Min(length - got, _end - _start);
            Array.Copy(_buffer, _start, bytes, got, n);
            _start += n;
            got += n;
        }

        return bytes;
    }

    /// <summary>True when the server closed the connection (reads return end of stream or reset).</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        try
        {
            if (_start < _end)
            {
                return false;
            }

            var n = await _stream.ReadAsync(_buffer).AsTask().WaitAsync(Timeout);
            if (n == 0)
            {
                return true;
            }

            _start = 0;
            _end = n;
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task ReadValueAsync(StringBuilder sb)
    {
        var line = await ReadLineAsync();
        sb.Append(line).Append("\r\n");
        var type = line[0];
        switch (type)
        {
            case '$' or '=' or '!':
                var length = int.Parse(line.AsSpan(1));
                if (length >= 0)
                {
                    sb.Append(await ReadExactAsync(length + 2));
                }

                break;
            case '*' or '~' or '>' or '%' or '|':
                var count = int.Parse(line.AsSpan(1));
                if (type is '%' or '|')
                {
                    count *= 2;
                }

                for (var i = 0; i < count; i++)
                {
                    await ReadValueAsync(sb);
                }

                if (type == '|')
                {
                    await ReadValueAsync(sb);
                }

                break;
        }
    }

    private async Task<string> ReadLineAsync()
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                await FillAsync();
            }

            var b = _buffer[_start++];
            if (b == '\n' && line.Count > 0 && line[^1] == '\r')
            {
                line.RemoveAt(line.Count - 1);
                return Encoding.UTF8.GetString(line.ToArray());
            }

            line.Add(b);
        }
    }

    private async Task<string> ReadExactAsync(int count)
    {
        var bytes = new byte[count];
        var got = 0;
        while (got < count)
        {
            if (_start == _end)
            {
                await FillAsync();
            }

            var n = Math.Min(count - got, _end - _start);
            Array.Copy(_buffer, _start, bytes, got, n);
            _start += n;
            got += n;
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private async Task FillAsync()
    {
        var n = await _stream.ReadAsync(_buffer).AsTask().WaitAsync(Timeout);
        if (n == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _start = 0;
        _end = n;
    }
}
