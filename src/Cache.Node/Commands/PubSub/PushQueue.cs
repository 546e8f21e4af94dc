using System.Buffers;

namespace Cache.Node.Commands;

/// <summary>
/// One connection's outbound pushes (pub/sub messages now, tracking invalidations later),
/// already encoded in the connection's protocol. Other connections append to it while they run
/// (under the key-space lock); the connection's own loop is the only one that moves the bytes to
/// its output, in order with its replies: before each of its commands runs, and when woken. The
/// bytes waiting here are what <c>client-output-buffer-limit pubsub</c> bounds: past the hard
/// limit, or over the soft limit for longer than its seconds, the queue closes and the
/// connection is dropped, so a subscriber that stops reading never costs unbounded memory.
/// </summary>
internal sealed class PushQueue
{
    private const int SegmentSize = 16 * 1024;
    private readonly Lock _lock = new();
    private readonly Queue<Segment> _segments = new();
    private Segment? _tail;
    private long _pending;
    private long _softSinceMs = -1;
    private bool _closed;

    /// <summary>Called (once per wake-up, on the producer's thread) when bytes arrive for an idle loop.</summary>
    public Action? Wake { get; set; }

    /// <summary>Called once when a limit closed the queue: the owner drops the connection.</summary>
    public Action? Overflow { get; set; }

    /// <summary>Bytes waiting to be written to the connection.</summary>
    public long PendingBytes => Volatile.Read(ref _pending);

    public bool HasPending => Volatile.Read(ref _pending) > 0;

    /// <summary>True once a limit was passed: nothing more is queued.</summary>
    public bool Closed => Volatile.Read(ref _closed);

    /// <summary>
    /// Appends one encoded push. False when it was dropped: the queue was closed, or this push
    /// took it past <paramref name="limit"/> (then the queue closes and <see cref="Overflow"/> runs).
    /// </summary>
    public bool Enqueue(ReadOnlySpan<byte> push, OutputBufferLimit limit, long nowMs)
    {
        var wake = false;
        var overflow = false;
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            var after = _pending + push.Length;
            if (limit.Exceeded(after, nowMs, ref _softSinceMs))
            {
                CloseLocked();
                overflow = true;
            }
            else
            {
                wake = _pending == 0;
                Append(push);
                Volatile.Write(ref _pending, after);
            }
        }

        if (overflow)
        {
            Overflow?.Invoke();
            return false;
        }

        if (wake)
        {
            Wake?.Invoke();
        }

        return true;
    }

    /// <summary>Moves up to <paramref name="max"/> waiting bytes to <paramref name="output"/>; returns how many.</summary>
    public long DrainTo(Resp.ReplyWriter output, long max = long.MaxValue)
    {
        long moved = 0;
        lock (_lock)
        {
            while (moved < max && _segments.TryPeek(out var segment))
            {
                var take = (int)Math.Min(segment.End - segment.Start, max - moved);
                output.WriteRaw(segment.Buffer.AsSpan(segment.Start, take));
                segment.Start += take;
                moved += take;
                if (segment.Start == segment.End)
                {
                    _segments.Dequeue();
                    if (segment == _tail)
                    {
                        _tail = null;
                    }

                    ArrayPool<byte>.Shared.Return(segment.Buffer);
                }
            }

            Volatile.Write(ref _pending, _pending - moved);
            if (_pending == 0)
            {
                _softSinceMs = -1;
            }
        }

        return moved;
    }

    /// <summary>Drops whatever waits and refuses more (the connection is closing).</summary>
    public void Close()
    {
        lock (_lock)
        {
            CloseLocked();
        }
    }

    private void CloseLocked()
    {
        _closed = true;
        while (_segments.TryDequeue(out var segment))
        {
            ArrayPool<byte>.Shared.Return(segment.Buffer);
        }

        _tail = null;
        Volatile.Write(ref _pending, 0);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_tail is null || _tail.End == _tail.Buffer.Length)
            {
                _tail = new Segment(ArrayPool<byte>.Shared.Rent(Math.Max(SegmentSize, bytes.Length)));
                _segments.Enqueue(_tail);
            }

            var room = Math.Min(bytes.Length, _tail.Buffer.Length - _tail.End);
            bytes[..room].CopyTo(_tail.Buffer.AsSpan(_tail.End));
            _tail.End += room;
            bytes = bytes[room..];
        }
    }

    private sealed class Segment(byte[] buffer)
    {
        public byte[] Buffer { get; } = buffer;

        public int Start { get; set; }

        public int End { get; set; }
    }
}
