using System.Buffers;
using System.Buffers.Text;

namespace Cache.Client.Resp;

/// <summary>
/// Finds where one whole RESP2/RESP3 reply ends in one pass over the buffered bytes, handing each
/// element to a visitor as it goes. A partial reply is "need more", never an exception, and its
/// scan resumes where it stopped (the elements already seen and the open aggregates' remaining
/// counts are kept), so a large reply arriving in many reads is scanned once, not once per read.
/// A reply that breaks the protocol or the limits throws <see cref="RespConnectionException"/>
/// (the connection cannot continue after it); the scanner then starts again from a clean state.
/// </summary>
internal sealed class RespFrameScanner
{
    /// <summary>Aggregates nested deeper than this are refused.</summary>
    public const int MaxDepth = 64;

    /// <summary>Bulk strings longer than this are refused (Redis' proto-max-bulk-len).</summary>
    public const long MaxBulkLength = 512L * 1024 * 1024;

    private readonly Stack<long> _open = new();   // elements still to come in each open aggregate of a partial reply
    private long _needed;   // the pending reply cannot complete with fewer buffered bytes
    private long _scanned;  // bytes of the pending reply already scanned (whole elements, already visited)

    /// <summary>
    /// Tries to find the end of the reply at the start of <paramref name="buffer"/>, which must
    /// begin where the previous call's reply began (a resumed scan) or, after a success, where
    /// that reply ended. Elements not visited before are handed to <paramref name="visitor"/>.
    /// </summary>
    public bool TryFindEnd<TVisitor>(in ReadOnlySequence<byte> buffer, ref TVisitor visitor, out SequencePosition end)
        where TVisitor : IRespFrameVisitor
    {
        end = buffer.Start;
        if (buffer.Length < _needed)
        {
            return false;
        }

        try
        {
            return TryResumeScan(buffer, ref visitor, out end);
        }
        catch (RespConnectionException)
        {
            Reset();
            throw;
        }
    }

    /// <summary>Forgets a partial reply (the stream it came from is gone).</summary>
    public void Reset()
    {
        (_scanned, _needed) = (0, 0);
        _open.Clear();
    }

    /// <summary>Parses a RESP integer line; a malformed or over-long one throws.</summary>
    public static long ParseInteger(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return ParseInteger(line.FirstSpan);
        }

        Span<byte> digits = stackalloc byte[24];
        if (line.Length > digits.Length)
        {
            throw new RespConnectionException("The server sent an over-long number.");
        }

        line.CopyTo(digits);
        return ParseInteger(digits[..(int)line.Length]);
    }

    private static long ParseInteger(ReadOnlySpan<byte> digits)
    {
        if (digits.Length > 24)
        {
            throw new RespConnectionException("The server sent an over-long number.");
        }

        if (!Utf8Parser.TryParse(digits, out long value, out var used) || used != digits.Length)
        {
            throw new RespConnectionException("The server sent a malformed number.");
        }

        return value;
    }

    private bool TryResumeScan<TVisitor>(in ReadOnlySequence<byte> buffer, ref TVisitor visitor, out SequencePosition end)
        where TVisitor : IRespFrameVisitor
    {
        end = buffer.Start;
        var scan = new SequenceReader<byte>(buffer);
        scan.Advance(_scanned);
        while (true)
        {
            var start = scan.Consumed;
            if (!TryElement(ref scan, _open.Count, ref visitor, out var children, out var needed))
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

    // Reads one element's header (and a bulk's body) and visits it; children is how many
    // elements an aggregate holds (0 for anything complete by itself). False when more bytes are
    // needed, before anything is visited, so a resumed scan visits the element then.
    private static bool TryElement<TVisitor>(ref SequenceReader<byte> reader, int depth, ref TVisitor visitor, out long children, out long needed)
        where TVisitor : IRespFrameVisitor
    {
        (children, needed) = (0, 0);
        if (!TryHeader(ref reader, out var type, out var line, out var number))
        {
            return false;
        }

        switch (type)
        {
            case (byte)'$' or (byte)'=' or (byte)'!':
                var length = number;
                if (length < 0)
                {
                    visitor.OnValue((byte)'_', ReadOnlySequence<byte>.Empty, depth);
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

                visitor.OnValue(type, reader.UnreadSequence.Slice(0, length), depth);
                reader.Advance(length + 2);
                return true;
            case (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|':
                var count = number;
                if (count < 0)
                {
                    visitor.OnValue((byte)'_', ReadOnlySequence<byte>.Empty, depth);
                    return true;
                }

                if (count == 0 && type != (byte)'|')
                {
                    visitor.OnAggregate(type, 0, depth);
                    return true;
                }

                // Every element takes at least three bytes: a count beyond what has arrived waits
                // (so a visitor never sizes anything by a count the bytes do not back, and a
                // hostile count cannot overflow when maps double it).
                if (count > reader.Remaining)
                {
                    needed = reader.Consumed + count;
                    return false;
                }

                children = (type is (byte)'%' or (byte)'|' ? count * 2 : count) + (type == (byte)'|' ? 1 : 0);
                if (children > reader.Remaining)
                {
                    (children, needed) = (0, reader.Consumed + children);
                    return false;
                }

                visitor.OnAggregate(type, count, depth);
                return true;
            case (byte)'+' or (byte)'-' or (byte)':' or (byte)',' or (byte)'#' or (byte)'_' or (byte)'(':
                visitor.OnValue(type, line, depth);
                return true;
            default:
                throw new RespConnectionException($"The server sent an unknown RESP type byte 0x{type:X2}.");
        }
    }

    // Reads an element's type byte and header line: for strings and aggregates the length or
    // count in it, for simple elements the line itself. The line is read from the current span when
    // it lies whole in it (nearly always), else across segments.
    private static bool TryHeader(ref SequenceReader<byte> reader, out byte type, out ReadOnlySequence<byte> line, out long number)
    {
        (line, number) = (default, 0);
        var unread = reader.UnreadSpan;
        var lineEnd = unread.IndexOf("\r\n"u8);
        if (lineEnd > 0)
        {
            type = unread[0];
            if (IsCounted(type))
            {
                number = ParseInteger(unread[1..lineEnd]);
            }
            else
            {
                line = reader.UnreadSequence.Slice(1, lineEnd - 1);
            }

            reader.Advance(lineEnd + 2);
            return true;
        }

        if (!reader.TryRead(out type) || !reader.TryReadTo(out line, "\r\n"u8))
        {
            return false;
        }

        if (IsCounted(type))
        {
            number = ParseInteger(line);
        }

        return true;
    }

    // Strings and aggregates: their header line holds a length or a count.
    private static bool IsCounted(byte type) =>
        type is (byte)'$' or (byte)'=' or (byte)'!' or (byte)'*' or (byte)'~' or (byte)'>' or (byte)'%' or (byte)'|';
}
