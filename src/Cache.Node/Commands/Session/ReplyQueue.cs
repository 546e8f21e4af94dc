using System.Buffers;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// One connection's replies in request order, and the only owner of where its
/// <see cref="ReplyWriter"/> writes. Replies are written straight to the connection's output
/// until one must wait (a forwarded command, a write waiting for its quorum, a reply computed at
/// its turn); from then on local replies are buffered in runs behind it, and
/// <see cref="DrainAsync"/> writes everything out in order once each waiting reply is ready.
/// </summary>
internal sealed class ReplyQueue
{
    private readonly ReplyWriter _reply;
    private readonly IBufferWriter<byte> _output;
    private readonly Queue<Func<Task<byte[]>>> _deferred = new();   // started when reached, in order
    private IBufferWriter<byte> _current;
    private ArrayBufferWriter<byte>? _tail;

    public ReplyQueue(ReplyWriter reply, IBufferWriter<byte> output)
    {
        _reply = reply;
        _output = output;
        _current = output;
    }

    /// <summary>Replies wait for other nodes; the connection loop must <see cref="DrainAsync"/> before flushing.</summary>
    public bool HasDeferred => _deferred.Count > 0;

    /// <summary>Replies (and buffered runs of local replies) queued behind other nodes in this batch.</summary>
    public int DeferredCount => _deferred.Count;

    /// <summary>Queues a reply that arrives later; replies written after it wait behind it.</summary>
    public void Defer(Task<byte[]> reply) => Defer(() => reply);

    /// <summary>Queues a reply produced only when the drain reaches it (after every reply before it was written).</summary>
    public void Defer(Func<Task<byte[]>> reply)
    {
        SealTail();
        _deferred.Enqueue(reply);
        _tail ??= new ArrayBufferWriter<byte>();
        Point(_tail);
    }

    /// <summary>
    /// Sends the reply writer's output to <paramref name="target"/> (a reply to hold back or merge)
    /// until the returned scope ends, then back to where it wrote before. Scopes nest.
    /// </summary>
    public Redirection Redirect(IBufferWriter<byte> target)
    {
        var previous = _current;
        Point(target);
        return new Redirection(this, previous);
    }

    /// <summary>Writes the waiting replies, in order, to the connection's output once each is ready.</summary>
    public async ValueTask DrainAsync()
    {
        SealTail();
        while (_deferred.TryDequeue(out var reply))
        {
            byte[] bytes;
            try
            {
                bytes = await reply().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                bytes = Encoding.UTF8.GetBytes($"-TRYAGAIN {OneLine(ex.Message)}\r\n");
            }

            _output.Write(bytes);
        }

        Point(_output);
    }

    /// <summary>Writes bytes that are no command's reply (monitor lines) straight to the connection's output.</summary>
    public void WriteOut(ReadOnlySpan<byte> bytes) => _output.Write(bytes);

    /// <summary>An exception message as one RESP error line.</summary>
    public static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');

    private void SealTail()
    {
        if (_tail is { WrittenCount: > 0 } tail && _deferred.Count > 0)
        {
            var bytes = Task.FromResult(tail.WrittenSpan.ToArray());
            _deferred.Enqueue(() => bytes);
            tail.Clear();
        }
    }

    private void Point(IBufferWriter<byte> target)
    {
        _current = target;
        _reply.Reset(target);
    }

    /// <summary>Ends a <see cref="Redirect"/>: the reply writer goes back to its previous output.</summary>
    public readonly struct Redirection(ReplyQueue replies, IBufferWriter<byte> previous) : IDisposable
    {
        public void Dispose() => replies.Point(previous);
    }
}
