using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Cache.Gossip.Transport;

/// <summary>
/// Real network transport: UDP datagrams and one-shot TCP exchanges (4-byte length-prefixed request
/// then response) on the same port number. Network errors are logged and swallowed, never thrown
/// out of the receive loops.
/// </summary>
public sealed partial class SocketTransport : IGossipTransport
{
    private const int MaxStreamMessage = 16 * 1024 * 1024;
    private const int InitialFrameBuffer = 64 * 1024;
    private readonly string _bindAddress;
    private readonly int _port;
    private readonly string _advertise;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, IPEndPoint> _endpoints = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Socket? _udp;
    private TcpListener? _tcp;
    private IGossipPacketHandler? _handler;
    private Task _udpLoop = Task.CompletedTask, _tcpLoop = Task.CompletedTask;
    private int _serving;

    /// <summary>Creates a transport; <paramref name="port"/> 0 picks a free port (the same number for UDP and TCP).</summary>
    public SocketTransport(string bindAddress, int port, string advertiseAddress = "", ILogger? logger = null)
    {
        _bindAddress = bindAddress;
        _port = port;
        _advertise = advertiseAddress;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>Time allowed to serve one inbound stream exchange.</summary>
    public TimeSpan ServeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Inbound stream exchanges served at once; connections beyond it are closed at once.</summary>
    public int MaxConcurrentStreams { get; set; } = 64;

    /// <summary>Inbound stream exchanges being served now.</summary>
    public int ServingStreams => Volatile.Read(ref _serving);

    /// <inheritdoc />
    public string LocalAddress { get; private set; } = "";

    /// <summary>Bound port (after start).</summary>
    public int Port { get; private set; }

    /// <inheritdoc />
    public ValueTask StartAsync(IGossipPacketHandler handler, CancellationToken cancellationToken)
    {
        _handler = handler;
        var ip = IPAddress.Parse(_bindAddress);
        for (var attempt = 0; ; attempt++)
        {
            var udp = new Socket(ip.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                udp.Bind(new IPEndPoint(ip, _port));
                var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                var tcp = new TcpListener(ip, port);
                tcp.Start();
                _udp = udp;
                _tcp = tcp;
                Port = port;
                break;
            }
            catch (SocketException) when (_port == 0 && attempt < 20)
            {
                udp.Dispose(); // the TCP port of that number was taken; try another
            }
            catch
            {
                udp.Dispose();
                throw;
            }
        }

        var host = _advertise.Length > 0 ? _advertise
            : ip.Equals(IPAddress.Any) ? IPAddress.Loopback.ToString()
            : ip.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback.ToString()
            : ip.ToString();
        LocalAddress = new IPEndPoint(IPAddress.Parse(host), Port).ToString();
        _udpLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        _tcpLoop = Task.Run(AcceptLoopAsync, CancellationToken.None);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public void SendPacket(string address, byte[] packet)
    {
        var udp = _udp;
        if (udp is null || !TryEndpoint(address, out var ep))
        {
            return;
        }

        try
        {
            udp.SendTo(packet, SocketFlags.None, ep);
        }
        catch (SocketException ex)
        {
            Log.SendFailed(_logger, address, ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
            // shutting down
        }
    }

    /// <inheritdoc />
    public void BeginExchange(string address, byte[] request, TimeSpan timeout, Action<byte[]?> onResponse)
    {
        ArgumentNullException.ThrowIfNull(onResponse);
        // Start on the pool: the caller holds the node's gate, and the callback must never run inline under it.
        _ = Task.Run(() => ExchangeAsync(address, request, timeout, onResponse), CancellationToken.None);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> ResolveAsync(string seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seed);
        if (IPEndPoint.TryParse(seed, out var direct) && direct.Port != 0)
        {
            return [direct.ToString()];
        }

        var colon = seed.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(seed.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new FormatException($"Seed '{seed}' is not host:port.");
        }

        var addresses = await Dns.GetHostAddressesAsync(seed[..colon], cancellationToken).ConfigureAwait(false);
        return [.. addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).Select(a => new IPEndPoint(a, port).ToString())];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        _udp?.Dispose();
        _tcp?.Stop();
        try
        {
            await Task.WhenAll(_udpLoop, _tcpLoop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // expected
        }

        _tcp?.Dispose();
        _stop.Dispose();
    }

    private bool TryEndpoint(string address, out IPEndPoint ep)
    {
        if (_endpoints.TryGetValue(address, out ep!))
        {
            return true;
        }

        if (!IPEndPoint.TryParse(address, out var parsed))
        {
            return false;
        }

        ep = _endpoints.GetOrAdd(address, parsed);
        return true;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        var any = new IPEndPoint(_udp!.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.ReceiveFailed(_logger, ex.SocketErrorCode);
                continue;
            }

            try
            {
                _handler!.OnPacket(result.RemoteEndPoint.ToString()!, buffer.AsMemory(0, result.ReceivedBytes));
            }
            catch (Exception ex)
            {
                Log.HandlerThrew(_logger, ex);
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _tcp!.AcceptSocketAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                Log.ReceiveFailed(_logger, ex.SocketErrorCode);
                continue;
            }

            if (Interlocked.Increment(ref _serving) > MaxConcurrentStreams)
            {
                // A flood of slow connections must not hold unbounded buffers; a peer retries on its next round.
                Interlocked.Decrement(ref _serving);
                Log.StreamRefused(_logger, MaxConcurrentStreams);
                client.Dispose();
                continue;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            await ServeOneAsync(client).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _serving);
        }
    }

    private async Task ServeOneAsync(Socket client)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(ServeTimeout);
        try
        {
            using var stream = new NetworkStream(client, ownsSocket: true);
            var request = await ReadFrameAsync(stream, cts.Token).ConfigureAwait(false);
            if (request is null)
            {
                return;
            }

            var response = _handler!.OnStream(client.RemoteEndPoint?.ToString() ?? "", request);
            if (response is not null)
            {
                await WriteFrameAsync(stream, response, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.StreamFailed(_logger, ex.GetType().Name);
        }
    }

    private async Task ExchangeAsync(string address, byte[] request, TimeSpan timeout, Action<byte[]?> onResponse)
    {
        byte[]? response = null;
        try
        {
            if (TryEndpoint(address, out var ep))
            {
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                cts.CancelAfter(timeout);
                using var socket = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(ep, cts.Token).ConfigureAwait(false);
                using var stream = new NetworkStream(socket, ownsSocket: false);
                await WriteFrameAsync(stream, request, cts.Token).ConfigureAwait(false);
                response = await ReadFrameAsync(stream, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.StreamFailed(_logger, ex.GetType().Name);
        }

        onResponse(response);
    }

    private static async Task WriteFrameAsync(Stream stream, byte[] payload, CancellationToken ct)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, payload.Length);
        await stream.WriteAsync(header, ct).ConfigureAwait(false);
        await stream.WriteAsync(payload, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    // The declared length is only an upper bound: the buffer grows with the bytes that actually arrive,
    // so a peer announcing 16 MiB and sending nothing costs us a few KiB, not 16 MiB per connection.
    internal static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken ct)
    {
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, ct).ConfigureAwait(false);
        var len = BinaryPrimitives.ReadInt32BigEndian(header);
        if (len is < 0 or > MaxStreamMessage)
        {
            return null;
        }

        var payload = new byte[Math.Min(len, InitialFrameBuffer)];
        var filled = 0;
        while (filled < len)
        {
            if (filled == payload.Length)
            {
                Array.Resize(ref payload, (int)Math.Min(len, payload.Length * 2L));
            }

            var read = await stream.ReadAsync(payload.AsMemory(filled), ct).ConfigureAwait(false);
            if (read == 0)
            {
                throw new EndOfStreamException();
            }

            filled += read;
        }

        return payload;
    }

    private static partial class Log
    {
        [LoggerMessage(4050, LogLevel.Debug, "Gossip UDP send to {Address} failed: {Error}")]
        public static partial void SendFailed(ILogger logger, string address, SocketError error);

        [LoggerMessage(4051, LogLevel.Debug, "Gossip receive failed: {Error}")]
        public static partial void ReceiveFailed(ILogger logger, SocketError error);

        [LoggerMessage(4052, LogLevel.Debug, "Gossip stream exchange failed: {Error}")]
        public static partial void StreamFailed(ILogger logger, string error);

        [LoggerMessage(4054, LogLevel.Debug, "Gossip stream refused: {Limit} exchanges already being served")]
        public static partial void StreamRefused(ILogger logger, int limit);

        [LoggerMessage(4053, LogLevel.Error, "Gossip packet handler threw")]
        public static partial void HandlerThrew(ILogger logger, Exception exception);
    }
}
