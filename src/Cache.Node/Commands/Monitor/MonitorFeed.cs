namespace Cache.Node.Commands;

/// <summary>
/// The lines waiting for one MONITOR client. Commands run on other connections' threads (under
/// the key space gate) and append here; only the monitor's own connection loop writes them to its
/// socket, woken by the wake callback when the queue stops being empty. A monitor that does not
/// read is closed once <see cref="MaxPendingBytes"/> is waiting, as Redis closes a monitor over
/// its replica-class output buffer limit.
/// </summary>
internal sealed class MonitorFeed(Action wake, Action overflow)
{
    /// <summary>Redis' hard limit for the replica class that monitors belong to (256 MB).</summary>
    public const long MaxPendingBytes = 256L * 1024 * 1024;

    private readonly Lock _gate = new();
    private List<byte[]> _lines = [];
    private List<byte[]> _spare = [];
    private long _pendingBytes;
    private bool _closed;

    public bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _lines.Count > 0;
            }
        }
    }

    /// <summary>Bytes waiting to be written (CLIENT LIST's omem for a monitor).</summary>
    public long PendingBytes
    {
        get
        {
            lock (_gate)
            {
                return _pendingBytes;
            }
        }
    }

    public void Add(byte[] line)
    {
        bool first;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            if (_pendingBytes + line.Length > MaxPendingBytes)
            {
                _closed = true;
                _lines.Clear();
                _pendingBytes = 0;
                first = false;
            }
            else
            {
                first = _lines.Count == 0;
                _lines.Add(line);
                _pendingBytes += line.Length;
            }
        }

        if (_closed)
        {
            overflow();
        }
        else if (first)
        {
            wake();
        }
    }

    /// <summary>Hands every waiting line to <paramref name="write"/>, in order; called by the monitor's connection loop only.</summary>
    public void Drain(Action<byte[]> write)
    {
        List<byte[]> lines;
        lock (_gate)
        {
            if (_lines.Count == 0)
            {
                return;
            }

            lines = _lines;
            _lines = _spare;
            _spare = lines;
            _pendingBytes = 0;
        }

        foreach (var line in lines)
        {
            write(line);
        }

        lines.Clear();
    }
}
