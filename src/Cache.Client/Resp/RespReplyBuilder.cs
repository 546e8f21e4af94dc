using System.Buffers;

namespace Cache.Client.Resp;

/// <summary>
/// Builds a <see cref="RespReply"/> from the elements <see cref="RespFrameScanner"/> hands it, in the
/// same pass that finds the reply's end. The aggregates still open are kept between reads, so a
/// reply arriving in pieces is built once.
/// </summary>
internal sealed class RespReplyBuilder : IRespFrameVisitor
{
    private readonly Stack<OpenAggregate> _open = new();
    private RespReply? _reply;

    /// <summary>The reply built since the last call, once its last element was visited.</summary>
    public RespReply TakeReply()
    {
        var reply = _reply ?? throw new RespConnectionException("The reply scanner and builder disagree; this is a bug.");
        _reply = null;
        return reply;
    }

    /// <summary>Forgets a partial reply.</summary>
    public void Reset()
    {
        _open.Clear();
        _reply = null;
    }

    public void OnAggregate(byte type, long count, int depth)
    {
        if (type == (byte)'|')
        {
            // Attributes annotate the reply that follows: keep that reply, drop the annotation.
            _open.Push(new OpenAggregate(RespReplyKind.Null, new RespReply[(count * 2) + 1], IsAttribute: true));
            return;
        }

        var kind = type switch
        {
            (byte)'%' => RespReplyKind.Map,
            (byte)'>' => RespReplyKind.Push,
            _ => RespReplyKind.Array,
        };
        var items = new RespReply[type == (byte)'%' ? count * 2 : count];
        if (items.Length == 0)
        {
            Add(RespReply.Aggregate(kind, items));
            return;
        }

        _open.Push(new OpenAggregate(kind, items, IsAttribute: false));
    }

    public void OnValue(byte type, in ReadOnlySequence<byte> payload, int depth) => Add(type switch
    {
        (byte)'+' => RespReply.Simple(payload.ToArray()),
        (byte)'-' => RespReply.Error(payload.ToArray()),
        (byte)':' => RespReply.Number(RespFrameScanner.ParseInteger(payload)),
        (byte)',' => RespReply.Double(payload.ToArray()),
        (byte)'#' => RespReply.Boolean(payload.FirstSpan.Length > 0 && payload.FirstSpan[0] == (byte)'t'),
        (byte)'(' => RespReply.Bulk(payload.ToArray()),
        (byte)'$' => RespReply.Bulk(payload.ToArray()),
        // Verbatim strings carry a "txt:" style format prefix.
        (byte)'=' => RespReply.Bulk(payload.Length >= 4 ? payload.Slice(4).ToArray() : payload.ToArray()),
        (byte)'!' => RespReply.Error(payload.ToArray()),
        _ => RespReply.Null,
    });

    // Places a finished element in the innermost open aggregate; an aggregate it fills is
    // finished in turn.
    private void Add(RespReply reply)
    {
        while (_open.TryPop(out var open))
        {
            open.Items[open.Filled++] = reply;
            if (open.Filled < open.Items.Length)
            {
                _open.Push(open);
                return;
            }

            reply = open.IsAttribute ? open.Items[^1] : RespReply.Aggregate(open.Kind, open.Items);
        }

        _reply = reply;
    }

    private record struct OpenAggregate(RespReplyKind Kind, RespReply[] Items, bool IsAttribute)
    {
        public int Filled;
    }
}
