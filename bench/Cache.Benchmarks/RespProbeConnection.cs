using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Cache.Benchmarks;

/// <summary>
/// A bare RESP connection for the pub/sub and tracking probes: writes commands, reads one frame at
/// a time (RESP2 or RESP3) as strings, integers and lists. Simple rather than fast: the probes
/// measure the servers, and the same reader is used for every server.
/// </summary>
internal sealed class RespProbeConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RespProbeConnection(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RespProbeConnection> ConnectAsync(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture));
        return new RespProbeConnection(tcp);
    }

    public static byte[] Encode(params string[] args)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var arg in args)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(arg)}\r\n{arg}\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public ValueTask SendAsync(byte[] frame) => _stream.WriteAsync(frame);

    public async Task<object?> CallAsync(params string[] args)
    {
        await SendAsync(Encode(args));
        return await ReadAsync();
    }

    /// <summary>One frame: string (simple, bulk, error as "-..."), long, null, or a list (arrays, sets, maps, pushes).</summary>
    public async ValueTask<object?> ReadAsync()
    {
        var line = await ReadLineAsync();
        var type = line[0];
        var rest = line[1..];
        switch (type)
        {
            case '+' or '-':
                return type == '-' ? line : rest;
            case ':':
                return long.Parse(rest, CultureInfo.InvariantCulture);
            case '_':
                return null;
            case '$' or '=':
                var length = int.Parse(rest, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                while (_end - _start < length + 2)
                {
                    await FillAsync();
                }

                var value = Encoding.UTF8.GetString(_buffer, _start, length);
                _start += length + 2;
                return value;
            case '*' or '>' or '~' or '%':
                var count = int.Parse(rest, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new List<object?>(type == '%' ? count * 2 : count);
                for (var i = 0; i < items.Capacity; i++)
                {
                    items.Add(await ReadAsync());
                }

                return items;
            default:
                return rest;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async ValueTask<string> ReadLineAsync()
    {
        while (true)
        {
            var at = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (at > _start)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, at - 1 - _start);
                _start = at + 1;
                return line;
            }

            await FillAsync();
        }
    }

    private async ValueTask FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        var n = await _stream.ReadAsync(_buffer.AsMemory(_end));
        if (n == 0)
        {
            throw new IOException("The server closed the connection.");
        }

        _end += n;
    }
}
