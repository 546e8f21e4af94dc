using System.Buffers;
using System.IO.Pipelines;

namespace Cache.Node.Commands;

/// <summary>
/// One connection in replica mode (it sent SYNC or PSYNC): the feed pushes commands into its
/// buffer under the key-space gate, and <see cref="PumpAsync"/> writes them to the connection.
/// The buffer is bounded like a client's output buffer: a replica that falls more than
/// <see cref="Limit"/> bytes behind is dropped.
/// </summary>
internal sealed class ReplicaLink
{
    /// <summary>Redis' default hard limit for replicas (client-output-buffer-limit replica 256mb).</summary>
    public const long DefaultLimit = 256L * 1024 * 1024;

    private readonly Lock _lock = new();
    private ArrayBufferWriter<byte> _pending = new();
    private ArrayBufferWriter<byte> _sending = new();
    private TaskCompletionSource? _waiting;
    private bool _closed;
    private long _lastAckMs;
    private long _ackOffset;

    public ReplicaLink(long clientId, string address, long limit = DefaultLimit)
    {
        ClientId = clientId;
        Address = address;
        Limit = limit;
    }

    public long ClientId { get; }

    /// <summary>The replica's address (ip:port of its connection).</summary>
    public string Address { get; }

    /// <summary>The most bytes waiting to be sent before the replica is dropped.</summary>
    public long Limit { get; }

    /// <summary>Unix ms of the replica's last REPLCONF ACK (or of its attach): min-replicas-max-lag measures from it.</summary>
    public long LastAckMs
    {
        get => Volatile.Read(ref _lastAckMs);
        set => Volatile.Write(ref _lastAckMs, value);
    }

    /// <summary>The offset the replica's last REPLCONF ACK gave.</summary>
    public long AckOffset
    {
        get => Volatile.Read(ref _ackOffset);
        set => Volatile.Write(ref _ackOffset, value);
    }

    /// <summary>The ip and port of <see cref="Address"/>.</summary>
    public (string Ip, string Port) Endpoint()
    {
        var separator = Address.LastIndexOf(':');
        return separator > 0 ? (Address[..separator], Address[(separator + 1)..]) : (Address, "0");
    }

    /// <summary>True until the first command after the sync: the stream starts with a SELECT.</summary>
    public bool NeedsSelect { get; set; } = true;

    /// <summary>True once closed or dropped; nothing is pushed after.</summary>
    public bool Closed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Queues bytes for the replica; false (and the link closed) when that would pass the limit.</summary>
    public bool Push(ReadOnlySpan<byte> bytes)
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            if (_pending.WrittenCount + (long)bytes.Length > Limit)
            {
                _closed = true;
            }
            else
            {
                _pending.Write(bytes);
            }

            wake = _waiting;
            _waiting = null;
        }

        wake?.TrySetResult();
        return !Closed;
    }

    /// <summary>Closes the link: the pump ends after what it is sending.</summary>
    public void Close()
    {
        TaskCompletionSource? wake;
        lock (_lock)
        {
            _closed = true;
            wake = _waiting;
            _waiting = null;
        }

        wake?.TrySetResult();
    }

    /// <summary>Writes what is pushed to <paramref name="output"/> until the link closes or the connection stops taking bytes.</summary>
    public async Task PumpAsync(PipeWriter output)
    {
        while (true)
        {
            Task? wait = null;
            lock (_lock)
            {
                if (_closed)
                {
                    return;
                }

                if (_pending.WrittenCount == 0)
                {
                    _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    wait = _waiting.Task;
                }
                else
                {
                    (_pending, _sending) = (_sending, _pending);
                }
            }

            if (wait is not null)
            {
                await wait.ConfigureAwait(false);
                continue;
            }

            output.Write(_sending.WrittenSpan);
            _sending.Clear();
            var flush = await output.FlushAsync().ConfigureAwait(false);
            if (flush.IsCanceled || flush.IsCompleted)
            {
                Close();
                return;
            }
        }
    }
}
