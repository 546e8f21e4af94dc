using System.Buffers;
using System.Buffers.Text;

namespace Cache.Client.Resp;

/// <summary>
/// Parses RESP2/RESP3 replies from buffered bytes. A partial reply is "need more", never an
/// exception; a reply that breaks the protocol throws <see cref="RespConnectionException"/>
/// (the connection cannot continue after it).
/// </summary>
internal sealed class RespReplyParser
{
    private const int MaxDepth = 64;
    private const long MaxBulkLength = 512L * 1024 * 1024;
    private long _needed;   // the pending reply cannot complete with fewer buffered bytes

    /// <summary>Tries to parse one reply; on success, <paramref name="consumed"/> is where it ended.</summary>
    public bool TryParse(in ReadOnlySequence<byte> buffer, out RespReply? reply, out SequencePosition consumed)
    {
        reply = null;
        consumed = buffer.Start;
        if (buffer.Length < _needed)
        {
            return false;
        }

        var reader = new SequenceReader<byte>(buffer);
        if (!TryRead(ref reader, 0, out reply))
        {
            _needed = Math.Max(_needed, buffer.Length + 1);
            return false;
        }

        _needed = 0;
        consumed = reader.Position;
        return true;
    }

    private bool TryRead(ref SequenceReader<byte> reader, int depth, out RespReply? reply)
    {
        reply = null;
        if (depth > MaxDepth)
        {
            throw new RespConnectionException("The server sent replies nested more than 64 deep.");
        }

        if (!reader.TryRead(out var type) || !reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return false;
        }

        switch (type)
        {
            case (byte)'+':
                reply = RespReply.Simple(line.ToArray());
                return true;
            case (byte)'-':
                reply = RespReply.Error(line.ToArray());
                return true;
            case (byte)':':
                reply = RespReply.Number(ParseInteger(line));
                return true;
            case (byte)',':
                reply = RespReply.Double(line.ToArray());
                return true;
            case (byte)'#':
                reply = RespReply.Boolean(line.FirstSpan.Length > 0 && line.FirstSpan[0] == (byte)'t');
                return true;
            case (byte)'_':
                reply = RespReply.Null;
                return true;
            case (byte)'(':
                reply = RespReply.Bulk(line.ToArray());
                return true;
            case (byte)'$' or (byte)'=' or (byte)'!':
                return TryReadBulk(ref reader, type, ParseInteger(line), out reply);
            case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|':
                return TryReadAggregate(ref reader, type, ParseInteger(line), depth, out reply);
            default:
                throw new RespConnectionException($"The server sent an unknown RESP type byte 0x{type:X2}.");
        }
    }

    private bool TryReadBulk(ref SequenceReader<byte> reader, byte type, long length, out RespReply? reply)
    {
        reply = null;
        if (length < 0)
        {
            reply = RespReply.Null;
            return true;
        }

        if (length > MaxBulkLength)
        {
            throw new RespConnectionException($"The server sent a {length}-byte string, over the 512 MB limit.");
        }

        if (reader.Remaining < length + 2)
        {
            _needed = reader.Consumed + length + 2;
            return false;
        }

        var payload = reader.UnreadSequence.Slice(0, length);
        reader.Advance(length + 2);
        var bytes = payload.ToArray();
        if (type == (byte)'=' && bytes.Length >= 4)
        {
            // Verbatim strings carry a "txt:" style format prefix.
            bytes = bytes[4..];
        }

        reply = type == (byte)'!' ? RespReply.Error(bytes) : RespReply.Bulk(bytes);
        return true;
    }

    private bool TryReadAggregate(ref SequenceReader<byte> reader, byte type, long count, int depth, out RespReply? reply)
    {
        reply = null;
        if (count < 0)
        {
            reply = RespReply.Null;
            return true;
        }

        var elements = type is (byte)'%' or (byte)'|' ? count * 2 : count;
        if (elements > reader.Remaining)
        {
            // Every element takes at least three bytes: do not allocate for what has not arrived.
            return false;
        }

        var items = new RespReply[elements];
        for (var i = 0; i < elements; i++)
        {
            if (!TryRead(ref reader, depth + 1, out var item))
            {
                return false;
            }

            items[i] = item!;
        }

        if (type == (byte)'|')
        {
            // Attributes annotate the reply that follows; return that reply.
            return TryRead(ref reader, depth + 1, out reply);
        }

        reply = RespReply.Aggregate(type == (byte)'%' ? RespReplyKind.Map : RespReplyKind.Array, items);
        return true;
    }

    private static long ParseInteger(in ReadOnlySequence<byte> line)
    {
        Span<byte> digits = stackalloc byte[24];
        if (line.Length > digits.Length)
        {
            throw new RespConnectionException("The server sent an over-long number.");
        }

        line.CopyTo(digits);
        if (!Utf8Parser.TryParse(digits[..(int)line.Length], out long value, out var used) || used != line.Length)
        {
            throw new RespConnectionException("The server sent a malformed number.");
        }

        return value;
    }
}
