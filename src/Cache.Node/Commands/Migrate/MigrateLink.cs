using System.Net;
using System.Net.Sockets;

namespace Cache.Node.Commands;

/// <summary>
/// MIGRATE's connection to the target instance: blocking socket calls, each bounded by the
/// command's timeout, as Redis' connBlockingConnect, connSyncWrite and connSyncReadLine. MIGRATE
/// holds the key-space gate while it talks to the target, as Redis blocks its event loop.
/// </summary>
internal sealed class MigrateLink : IDisposable
{
    private const int MaxLine = 1024;   // Redis reads each reply into a 1024-byte buffer
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;

    // A connection the target refused: as in Redis, the connect "succeeds" (the socket turned
    // writable) and the first write fails, so MIGRATE answers IOERR ... writing.
    private readonly bool _refused;

    private MigrateLink(Socket socket, bool refused)
    {
        _socket = socket;
        _refused = refused;
    }

    /// <summary>The database the target has selected on this link (-1 unknown), as Redis' last_dbid.</summary>
    public long SelectedDb { get; set; } = -1;

    /// <summary>When the link was last used (for the cache's idle limit).</summary>
    public long LastUseMs { get; set; }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> within <paramref name="timeout"/>; null when it cannot.</summary>
    public static MigrateLink? Connect(string host, int port, TimeSpan timeout)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : Dns.GetHostAddresses(host);
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }

        foreach (var address in addresses)
        {
            if (TryConnect(address, port, timeout, out var refused) is { } socket)
            {
                var link = new MigrateLink(socket, refused);
                link.SetTimeout(timeout);
                return link;
            }
        }

        return null;
    }

    /// <summary>Bounds each later read and write by <paramref name="timeout"/> (the running MIGRATE's).</summary>
    public void SetTimeout(TimeSpan timeout) =>
        _socket.SendTimeout = _socket.ReceiveTimeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);

    /// <summary>Writes <paramref name="bytes"/> whole; false on an error or timeout.</summary>
    public bool Write(ReadOnlySpan<byte> bytes, out bool timedOut)
    {
        timedOut = false;
        if (_refused)
        {
            return false;
        }

        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = _socket.Send(bytes[..Math.Min(bytes.Length, 64 * 1024)]);
                bytes = bytes[sent..];
            }

            return true;
        }
        catch (SocketException ex)
        {
            timedOut = ex.SocketErrorCode == SocketError.TimedOut;
            return false;
        }
    }

    /// <summary>Reads one reply line (without its CRLF, cut at 1024 bytes); null on an error, timeout or closed link.</summary>
    public byte[]? ReadLine(out bool timedOut)
    {
        timedOut = false;
        try
        {
            while (true)
            {
                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                if (newline >= 0)
                {
                    var line = _buffer.AsSpan(_start, newline - _start);
                    _start = newline + 1;
                    if (line.EndsWith("\r"u8))
                    {
                        line = line[..^1];
                    }

                    return line[..Math.Min(line.Length, MaxLine - 1)].ToArray();
                }

                if (_start > 0)
                {
                    // Keep the partial line at the front; a line longer than the buffer is kept cut.
                    _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                    _end -= _start;
                    _start = 0;
                }

                if (_end == _buffer.Length)
                {
                    _end = MaxLine;
                }

                var read = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
                if (read == 0)
                {
                    return null;
                }

                _end += read;
            }
        }
        catch (SocketException ex)
        {
            timedOut = ex.SocketErrorCode == SocketError.TimedOut;
            return null;
        }
    }

    public void Dispose() => _socket.Dispose();

    private static Socket? TryConnect(IPAddress address, int port, TimeSpan timeout, out bool refused)
    {
        refused = false;
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
        try
        {
            try
            {
                socket.Connect(address, port);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                // Non-blocking connect: wait for it, at most the timeout.
                if (!socket.Poll(timeout, SelectMode.SelectWrite))
                {
                    socket.Dispose();
                    return null;
                }

                refused = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)! != 0;
            }

            socket.Blocking = true;
            return socket;
        }
        catch (SocketException)
        {
            // Refused at once (no wait needed): the same as refused after the wait.
            refused = true;
            return socket;
        }
    }
}
