using System.Buffers;
using System.Text;
using Cache.Client.Resp;

namespace Cache.Client.Tests.Resp;

/// <summary>
/// The one scanner behind every peer and client reply: it finds a reply's end in one pass, resumes
/// across partial reads, and hands each element to its visitor exactly once, in order.
/// </summary>
public sealed class RespFrameScannerTests
{
    private const string Page = "*2\r\n$2\r\n17\r\n*4\r\n$3\r\nabc\r\n$8\r\n01234567\r\n$0\r\n\r\n$-1\r\n";
    private const string Resp3 = "%2\r\n+a\r\n:1\r\n+b\r\n~2\r\n#t\r\n,1.5\r\n";
    private const string Attributed = "|1\r\n+ttl\r\n:5\r\n*2\r\n_\r\n=7\r\ntxt:abc\r\n";

    [Theory]
    [InlineData(Page)]
    [InlineData(Resp3)]
    [InlineData(Attributed)]
    [InlineData("*3\r\n*0\r\n*-1\r\n-ERR x\r\n")]
    public void Split_at_every_offset_each_element_is_visited_once_in_order(string wire)
    {
        var bytes = Encoding.Latin1.GetBytes(wire);
        var whole = Scan(new ReadOnlySequence<byte>(bytes), out var wholeEnd);
        Assert.Equal(bytes.Length, wholeEnd);

        for (var split = 0; split < bytes.Length; split++)
        {
            var scanner = new RespFrameScanner();
            var visitor = new RecordingVisitor();
            IRespFrameVisitor asVisitor = visitor;
            Assert.False(scanner.TryFindEnd(new ReadOnlySequence<byte>(bytes, 0, split), ref asVisitor, out _));
            Assert.True(scanner.TryFindEnd(new ReadOnlySequence<byte>(bytes), ref asVisitor, out var end));
            Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, end).Length);
            Assert.Equal(whole, visitor.Seen);
        }
    }

    [Fact]
    public void Arriving_a_byte_at_a_time_in_one_byte_segments_it_still_visits_each_element_once()
    {
        var bytes = Encoding.Latin1.GetBytes(Page + Resp3);
        var expected = Scan(new ReadOnlySequence<byte>(bytes), out var firstEnd);
        var scanner = new RespFrameScanner();
        var visitor = new RecordingVisitor();
        IRespFrameVisitor asVisitor = visitor;
        var length = 1;
        while (!scanner.TryFindEnd(Segmented(bytes, length), ref asVisitor, out var end))
        {
            length++;
        }

        Assert.Equal(Page.Length, length);
        Assert.Equal(firstEnd, length);
        Assert.Equal(expected, visitor.Seen);
    }

    [Fact]
    public void Two_replies_in_one_buffer_end_where_the_first_does()
    {
        var bytes = Encoding.Latin1.GetBytes(Page + "+OK\r\n");
        Scan(new ReadOnlySequence<byte>(bytes), out var end);
        Assert.Equal(Page.Length, end);
    }

    [Fact]
    public void A_relayed_reply_is_the_bytes_as_sent_and_a_built_one_matches_them()
    {
        var parser = new RespReplyParser();
        var bytes = Encoding.Latin1.GetBytes(Resp3 + Page);
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(parser.TryParseRaw(buffer, out var frame, out var consumed));
        Assert.Equal(Resp3, Encoding.Latin1.GetString(frame!));
        Assert.True(parser.TryParse(buffer.Slice(consumed), out var reply, out _));
        Assert.Equal("[17, [abc, 01234567, , (nil)]]", reply!.ToString());
    }

    [Fact]
    public void Nesting_past_the_limit_throws_and_the_scanner_starts_clean_after()
    {
        var scanner = new RespFrameScanner();
        var deep = string.Concat(Enumerable.Repeat("*1\r\n", RespFrameScanner.MaxDepth + 1)) + ":1\r\n";
        Assert.Throws<RespConnectionException>(() => Scan(scanner, deep));
        Assert.Equal(["0 +OK"], Scan(scanner, "+OK\r\n"));
    }

    [Theory]
    [InlineData("$536870913\r\n")]   // over 512 MB
    [InlineData("?x\r\n")]           // no such type
    [InlineData("*1234567890123456789012345\r\n")]
    public void Hostile_headers_throw(string wire) =>
        Assert.Throws<RespConnectionException>(() => Scan(new RespFrameScanner(), wire));

    [Fact]
    public void A_count_the_bytes_do_not_back_waits_and_visits_nothing()
    {
        var scanner = new RespFrameScanner();
        var visitor = new RecordingVisitor();
        IRespFrameVisitor asVisitor = visitor;
        Assert.False(scanner.TryFindEnd(new ReadOnlySequence<byte>("%2000000000\r\n+a\r\n"u8.ToArray()), ref asVisitor, out _));
        Assert.Empty(visitor.Seen);
    }

    private static List<string> Scan(RespFrameScanner scanner, string wire)
    {
        var visitor = new RecordingVisitor();
        IRespFrameVisitor asVisitor = visitor;
        Assert.True(scanner.TryFindEnd(new ReadOnlySequence<byte>(Encoding.Latin1.GetBytes(wire)), ref asVisitor, out _));
        return visitor.Seen;
    }

    private static List<string> Scan(ReadOnlySequence<byte> buffer, out long end)
    {
        var visitor = new RecordingVisitor();
        IRespFrameVisitor asVisitor = visitor;
        Assert.True(new RespFrameScanner().TryFindEnd(buffer, ref asVisitor, out var position));
        end = buffer.Slice(0, position).Length;
        return visitor.Seen;
    }

    // The first length bytes, one segment per byte, as a pipe with tiny reads would hand them over.
    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int length)
    {
        var first = new Segment(bytes.AsMemory(0, 1), 0);
        var last = first;
        for (var i = 1; i < length; i++)
        {
            last = last.Append(bytes.AsMemory(i, 1));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
