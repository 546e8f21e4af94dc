using System.Buffers;

namespace Cache.Client.Resp;

/// <summary>
/// Takes replies off a connection's buffered bytes, one way per caller: built as a
/// <see cref="RespReply"/>, copied as the bytes the server sent (for relaying them unchanged), or
/// handed element by element to a caller's decoder. All three are one pass of the same
/// <see cref="RespFrameScanner"/>. A partial reply is "need more", never an exception; a reply that
/// breaks the protocol throws <see cref="RespConnectionException"/> (the connection cannot
/// continue after it). A partial reply must be resumed the same way it was begun.
/// </summary>
internal sealed class RespReplyParser
{
    private readonly RespFrameScanner _scanner = new();
    private readonly RespReplyBuilder _builder = new();

    /// <summary>Tries to parse one reply; on success, <paramref name="consumed"/> is where it ended.</summary>
    public bool TryParse(in ReadOnlySequence<byte> buffer, out RespReply? reply, out SequencePosition consumed)
    {
        reply = null;
        var builder = _builder;
        if (!Scan(buffer, ref builder, out consumed))
        {
            return false;
        }

        reply = builder.TakeReply();
        return true;
    }

    /// <summary>Tries to find one whole reply and copies its bytes as they came (one copy, for relaying it unchanged).</summary>
    public bool TryParseRaw(in ReadOnlySequence<byte> buffer, out byte[]? frame, out SequencePosition consumed)
    {
        frame = null;
        var skip = default(SkippingVisitor);
        if (!Scan(buffer, ref skip, out consumed))
        {
            return false;
        }

        frame = buffer.Slice(0, consumed).ToArray();
        return true;
    }

    /// <summary>Tries to hand one whole reply to <paramref name="decoder"/>, no bytes copied but those it keeps.</summary>
    public bool TryDecode(in ReadOnlySequence<byte> buffer, IRespFrameVisitor decoder, out SequencePosition consumed) =>
        Scan(buffer, ref decoder, out consumed);

    private bool Scan<TVisitor>(in ReadOnlySequence<byte> buffer, ref TVisitor visitor, out SequencePosition consumed)
        where TVisitor : IRespFrameVisitor
    {
        try
        {
            return _scanner.TryFindEnd(buffer, ref visitor, out consumed);
        }
        catch (RespConnectionException)
        {
            _builder.Reset();
            throw;
        }
    }
}
