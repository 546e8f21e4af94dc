using System.Buffers;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Fuzz;

/// <summary>Drives a <see cref="RequestParser"/> like a connection and describes what it parsed.</summary>
internal static class RespParse
{
    /// <summary>
    /// Feeds <paramref name="data"/> <paramref name="chunk"/> bytes at a time, each read its own
    /// buffer segment, and returns every command parsed and how the input ended.
    /// </summary>
    public static string Run(byte[] data, int chunk, bool unauthenticated)
    {
        var parser = new RequestParser(new ProtocolLimits()) { Unauthenticated = unauthenticated };
        var log = new StringBuilder();
        var consumed = 0;
        var received = Math.Min(chunk, data.Length);
        while (true)
        {
            var buffer = Segments(data, consumed, received, chunk);
            RespRequest request = default;
            var length = 0;
            var status = buffer.IsEmpty ? ParseStatus.Incomplete : parser.TryParse(buffer, out request, out length);
            switch (status)
            {
                case ParseStatus.Complete:
                    if (length <= 0 || length > received - consumed)
                    {
                        throw new InvalidOperationException($"frame length {length} with {received - consumed} bytes buffered");
                    }

                    log.Append(request.Count).Append(':');
                    for (var i = 0; i < request.Count; i++)
                    {
                        log.Append(Convert.ToHexString(request[i])).Append(' ');
                    }

                    log.Append('\n');
                    consumed += length;
                    parser.TrimBuffers();
                    break;
                case ParseStatus.Incomplete when received < data.Length:
                    received = Math.Min(received + chunk, data.Length);
                    break;
                case ParseStatus.ProtocolError:
                    return log.Append("error: ").Append(parser.Error).ToString();
                default:
                    return log.Append("incomplete").ToString();
            }
        }
    }

    // The unread bytes as the pieces they arrived in (a socket's reads), so frames span segments.
    private static ReadOnlySequence<byte> Segments(byte[] data, int from, int to, int chunk)
    {
        if (from == to)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null, last = null;
        var at = from;
        while (at < to)
        {
            // Piece boundaries fall where the reads did, at multiples of chunk.
            var end = Math.Min(to, ((at / chunk) + 1) * chunk);
            var next = new Segment(data.AsMemory(at, end - at), last);
            first ??= next;
            last = next;
            at = end;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is not null)
            {
                RunningIndex = previous.RunningIndex + previous.Memory.Length;
                previous.Next = this;
            }
        }
    }
}
