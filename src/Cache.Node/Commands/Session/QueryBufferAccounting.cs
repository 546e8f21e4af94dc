namespace Cache.Node.Commands;

/// <summary>
/// CLIENT LIST's qbuf and qbuf-free for one connection. qbuf is what the transport holds that
/// no command has consumed yet (while a command runs, its own frame included). The input itself
/// sits in Kestrel's pooled pipe segments, which are returned once consumed, so there is no
/// buffer of ours whose spare room could be reported; qbuf-free is instead the room Redis 7.0
/// would keep for the same reads (networking.c): each read reserves 16 KiB past what is
/// buffered, and the clients cron once a second frees the spare room of a client idle for more
/// than 2 s, or trims a buffer over 32 KiB that is more than twice its recent peak down to that
/// peak. Read by the connection's thread and the cron, hence the lock.
/// </summary>
internal sealed class QueryBufferAccounting
{
    /// <summary>Redis' PROTO_IOBUF_LEN: the room one read asks for.</summary>
    public const long ReadChunk = 16 * 1024;

    /// <summary>Redis' PROTO_RESIZE_THRESHOLD: a buffer below it is never trimmed to its peak.</summary>
    public const long ResizeThreshold = 32 * 1024;

    // Below this much spare room the cron leaves the buffer alone (Redis: 4 KiB).
    private const long MinWaste = 4 * 1024;

    private readonly Lock _gate = new();
    private long _pending;
    private long _capacity;
    private long _peak;

    /// <summary>Bytes buffered and not yet consumed by a command (qbuf).</summary>
    public long Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    /// <summary>The room kept past <see cref="Pending"/> (qbuf-free).</summary>
    public long Free
    {
        get
        {
            lock (_gate)
            {
                return Math.Max(0, _capacity - _pending);
            }
        }
    }

    /// <summary>A read completed with <paramref name="buffered"/> bytes now held; <paramref name="before"/> were held before it.</summary>
    public void Read(long before, long buffered)
    {
        lock (_gate)
        {
            var reserved = before + ReadChunk;
            _peak = Math.Max(_peak, reserved);
            _capacity = Math.Max(_capacity, Math.Max(reserved, buffered));
            _pending = buffered;
        }
    }

    /// <summary>What is buffered now: set before each command runs (its frame and what follows) and after the batch.</summary>
    /// <remarks>Once per command, so no lock: a read always reserved at least this much.</remarks>
    public void Buffered(long bytes) => Volatile.Write(ref _pending, bytes);

    /// <summary>The clients cron's pass over this connection (Redis' clientsCronResizeQueryBuffer).</summary>
    public void Resize(long idleSeconds)
    {
        lock (_gate)
        {
            if (_capacity - _pending > MinWaste)
            {
                if (idleSeconds > 2)
                {
                    _capacity = _pending;
                }
                else if (_capacity > ResizeThreshold && _capacity / 2 > _peak)
                {
                    _capacity = Math.Max(_pending, _peak);
                }
            }

            _peak = _pending;
        }
    }
}
