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
    private readonly Stack<long> _open = new();   // elements still to come in each open aggregate of a partial reply
    private long _needed;   // the pending reply cannot complete with fewer buffered bytes
    private long _scanned;  // bytes of the pending reply already scanned (whole elements)

    /// <summary>Tries to parse one reply; on success, <paramref name="consumed"/> is where it ended.</summary>
    public bool TryParse(in ReadOnlySequence<byte> buffer, out RespReply? reply, out SequencePosition consumed)
    {
        reply = null;
        consumed = buffer.Start;
        // First find where the reply ends without allocating; build it only once it is whole,
        // so a large aggregate arriving in many reads is not rebuilt on every read.
        if (!TryFindEnd(buffer, out var end))
        {
            return false;
        }

        var reader = new SequenceReader<byte>(buffer.Slice(0, end));
        if (!TryRead(ref reader, 0, out reply))
        {
            throw new RespConnectionException("The reply parser and scanner disagree; this is a bug.");
        }

        consumed = reader.Position;
        return true;
    }

    /// <summary>Tries to find one whole reply and copies its bytes as they came (for relaying it unchanged).</summary>
    public bool TryParseRaw(in ReadOnlySequence<byte> buffer, out byte[]? frame, out bool isPush, out SequencePosition consumed)
    {
        frame = null;
        isPush = false;
        consumed = buffer.Start;
        if (!TryFindEnd(buffer, out var end))
        {
            return false;
        }

        var whole = buffer.Slice(0, end);
        isPush = whole.FirstSpan[0] == (byte)'>';
        frame = whole.ToArray();
        consumed = end;
        return true;
    }

    // Where the first whole reply ends. A partial reply's scan resumes where it stopped (the
    // elements already seen and the open aggregates' remaining counts are kept), so a large
    // reply arriving in many reads is scanned once, not once per read.
    private bool TryFindEnd(in ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        end = buffer.Start;
        if (buffer.Length < _needed)
        {
            return false;
        }

        try
        {
            return TryResumeScan(buffer, out end);
        }
        catch (RespConnectionException)
        {
            // The stream is broken; a parser used again starts from a clean state.
            (_scanned, _needed) = (0, 0);
            _open.Clear();
            throw;
        }
    }

    private bool TryResumeScan(in ReadOnlySequence<byte> buffer, out SequencePosition end)
    {
        end = buffer.Start;
        var scan = new SequenceReader<byte>(buffer);
        scan.Advance(_scanned);
        while (true)
        {
            var start = scan.Consumed;
            if (!TrySkipHeader(ref scan, out var children, out var needed))
            {
                _scanned = start;
                _needed = Math.Max(needed, buffer.Length + 1);
                return false;
            }

            if (children > 0)
            {
                if (_open.Count >= MaxDepth)
                {
                    throw new RespConnectionException("The server sent replies nested more than 64 deep.");
                }

                _open.Push(children);
                continue;
            }

            // An element is complete: so is every aggregate it was the last element of.
            while (_open.Count > 0)
            {
                var left = _open.Pop() - 1;
                if (left > 0)
                {
                    _open.Push(left);
                    break;
                }
            }

            if (_open.Count == 0)
            {
                (_scanned, _needed) = (0, 0);
                end = scan.Position;
                return true;
            }
        }
    }

    // Reads one element's header (and a bulk's body); children is how many elements an
    // aggregate holds (0 for anything complete by itself). False when more bytes are needed.
    private static bool TrySkipHeader(ref SequenceReader<byte> reader, out long children, out long needed)
    {
        (children, needed) = (0, 0);
        if (!reader.TryRead(out var type) || !reader.TryReadTo(out ReadOnlySequence<byte> line, "\r\n"u8))
        {
            return false;
        }

        switch (type)
        {
            case (byte)'$' or (byte)'=' or (byte)'!':
                var length = ParseInteger(line);
                if (length < 0)
                {
                    return true;
                }

                if (length > MaxBulkLength)
                {
                    throw new RespConnectionException($"The server sent a {length}-byte string, over the 512 MB limit.");
                }

                if (reader.Remaining < length + 2)
                {
                    needed = reader.Consumed + length + 2;
                    return false;
                }

                reader.Advance(length + 2);
                return true;
            case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|':
                var count = ParseInteger(line);
                if (count < 0 || (count == 0 && type != (byte)'|'))
                {
                    return true;
                }

                // Every element takes at least three bytes: a count beyond what has arrived waits
                // (this also keeps a hostile count from overflowing when maps double it).
                if (count > reader.Remaining)
                {
                    needed = reader.Consumed + count;
                    return false;
                }

                children = (type is (byte)'%' or (byte)'|' ? count * 2 : count) + (type == (byte)'|' ? 1 : 0);
                return true;
            case (byte)'+' or (byte)'-' or (byte)':' or (byte)',' or (byte)'#' or (byte)'_' or (byte)'(':
                return true;
            default:
                throw new RespConnectionException($"The server sent an unknown RESP type byte 0x{type:X2}.");
        }
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
        // TrySkip already checked the limit and that every byte is here.
        reply = null;
        if (length < 0)
        {
            reply = RespReply.Null;
            return true;
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

        // Every element takes at least three bytes: do not allocate for what has not arrived
        // (this also keeps a hostile count from overflowing when maps double it).
        if (count > reader.Remaining)
        {
            return false;
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

        var kind = type switch
        {
            (byte)'%' => RespReplyKind.Map,
            (byte)'>' => RespReplyKind.Push,
            _ => RespReplyKind.Array,
        };
        reply = RespReply.Aggregate(kind, items);
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
