using System.Buffers;
using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Resp;

public sealed class RequestParserTests
{
    private static readonly ProtocolLimits Limits = new();

    [Theory]
    [InlineData("*1\r\n$4\r\nPING\r\n", new[] { "PING" })]
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", new[] { "SET", "k", "" })]
    [InlineData("*2\r\n$3\r\nGET\r\n$5\r\na\r\nb\n\r\n", new[] { "GET", "a\r\nb\n" })]
    [InlineData("PING\r\n", new[] { "PING" })]
    [InlineData("PING\n", new[] { "PING" })]
    [InlineData("set   k  \"a b\"\r\n", new[] { "set", "k", "a b" })]
    [InlineData("set k \"\\x41\\n\\\"q\"\r\n", new[] { "set", "k", "A\n\"q" })]
    [InlineData("set k 'it\\'s'\r\n", new[] { "set", "k", "it's" })]
    [InlineData("set k \"\"\r\n", new[] { "set", "k", "" })]
    public void Parses_whole_frames(string wire, string[] expected)
    {
        var parser = new RequestParser(Limits);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire));
        Assert.Equal(ParseStatus.Complete, parser.TryParse(buffer, out var request, out var length));
        Assert.Equal(buffer.Length, length);
        Assert.Equal(expected, Strings(request));
    }

    [Theory]
    [InlineData("*0\r\n")]
    [InlineData("*-1\r\n")]
    [InlineData("\r\n")]
    [InlineData("   \r\n")]
    public void Empty_commands_parse_to_no_arguments(string wire)
    {
        var parser = new RequestParser(Limits);
        var buffer = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire));
        Assert.Equal(ParseStatus.Complete, parser.TryParse(buffer, out var request, out var length));
        Assert.Equal(wire.Length, length);
        Assert.Equal(0, request.Count);
    }

    [Theory]
    [InlineData("*1\r\n$4\r\nPING\r\n")]
    [InlineData("*3\r\n$3\r\nSET\r\n$10\r\n0123456789\r\n$5\r\nhello\r\n")]
    [InlineData("set k \"quoted \\x41 value\"\r\n")]
    public void A_frame_split_at_every_byte_and_across_segments_parses_the_same(string wire)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        var whole = ParseWhole(bytes);
        for (var split = 1; split < bytes.Length; split++)
        {
            // Bytes arrive in two reads: the first read is incomplete, the second completes it.
            var parser = new RequestParser(Limits);
            var first = new ReadOnlySequence<byte>(bytes.AsMemory(0, split));
            Assert.Equal(ParseStatus.Incomplete, parser.TryParse(first, out _, out _));
            var both = Segments(bytes, split);
            Assert.Equal(ParseStatus.Complete, parser.TryParse(both, out var request, out var length));
            Assert.Equal(bytes.Length, length);
            Assert.Equal(whole, Strings(request));
        }
    }

    [Fact]
    public void A_frame_in_one_byte_segments_parses()
    {
        var bytes = Encoding.UTF8.GetBytes("*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n*1\r\n$4\r\nPING\r\n");
        var parser = new RequestParser(Limits);
        var buffer = OneBytePerSegment(bytes);
        Assert.Equal(ParseStatus.Complete, parser.TryParse(buffer, out var request, out var length));
        Assert.Equal(["ECHO", "hello world"], Strings(request));
        buffer = buffer.Slice(length);
        Assert.Equal(ParseStatus.Complete, parser.TryParse(buffer, out request, out length));
        Assert.Equal(["PING"], Strings(request));
        Assert.Equal(buffer.Length, length);
    }

    [Fact]
    public void Pipelined_frames_parse_one_after_another()
    {
        var bytes = Encoding.UTF8.GetBytes("*1\r\n$4\r\nPING\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$4\r\nPI");
        var parser = new RequestParser(Limits);
        var buffer = new ReadOnlySequence<byte>(bytes);
        var seen = new List<string>();
        while (parser.TryParse(buffer, out var request, out var length) == ParseStatus.Complete)
        {
            seen.Add(string.Join(' ', Strings(request)));
            buffer = buffer.Slice(length);
        }

        Assert.Equal(["PING", "PING", "GET k"], seen);
        Assert.Equal(10, buffer.Length);
    }

    [Theory]
    [InlineData("*abc\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1048577\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*+1\r\n", "Protocol error: invalid multibulk length")]
    [InlineData("*1\r\nPING\r\n", "Protocol error: expected '$', got 'P'")]
    [InlineData("*1\r\n$-5\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$x\r\n", "Protocol error: invalid bulk length")]
    [InlineData("*1\r\n$536870913\r\n", "Protocol error: invalid bulk length")]
    [InlineData("set k \"unterminated\r\n", "Protocol error: unbalanced quotes in request")]
    [InlineData("set k \"a\"b\r\n", "Protocol error: unbalanced quotes in request")]
    public void Malformed_frames_are_protocol_errors_with_redis_text(string wire, string error)
    {
        var parser = new RequestParser(Limits);
        Assert.Equal(ParseStatus.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), out _, out _));
        Assert.Equal(error, parser.Error);
    }

    [Fact]
    public void An_inline_line_without_newline_beyond_64k_is_refused()
    {
        var parser = new RequestParser(Limits);
        var bytes = Encoding.ASCII.GetBytes(new string('a', 64 * 1024 + 1));
        Assert.Equal(ParseStatus.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out _));
        Assert.Equal("Protocol error: too big inline request", parser.Error);
    }

    [Fact]
    public void A_header_line_without_newline_beyond_64k_is_refused()
    {
        var parser = new RequestParser(Limits);
        var bytes = Encoding.ASCII.GetBytes("*1\r\n$" + new string('1', 64 * 1024 + 1));
        Assert.Equal(ParseStatus.ProtocolError, parser.TryParse(new ReadOnlySequence<byte>(bytes), out _, out _));
        Assert.Equal("Protocol error: too big bulk count string", parser.Error);
    }

    [Fact]
    public void Unauthenticated_clients_get_tiny_limits()
    {
        var parser = new RequestParser(Limits) { Unauthenticated = true };
        Assert.Equal(ParseStatus.ProtocolError, parser.TryParse(Bytes("*11\r\n"), out _, out _));
        Assert.Equal("Protocol error: unauthenticated multibulk length", parser.Error);

        parser = new RequestParser(Limits) { Unauthenticated = true };
        Assert.Equal(ParseStatus.ProtocolError, parser.TryParse(Bytes("*2\r\n$4\r\nAUTH\r\n$16385\r\n"), out _, out _));
        Assert.Equal("Protocol error: unauthenticated bulk length", parser.Error);

        parser = new RequestParser(Limits) { Unauthenticated = true };
        Assert.Equal(ParseStatus.Complete, parser.TryParse(Bytes("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n"), out _, out _));
    }

    [Fact]
    public void A_declared_huge_bulk_commits_no_memory_until_bytes_arrive()
    {
        var parser = new RequestParser(Limits);
        var header = Bytes("*2\r\n$3\r\nSET\r\n$536870000\r\nabc");
        Assert.Equal(ParseStatus.Incomplete, parser.TryParse(header, out _, out _));
        // Asking again with the same bytes is a no-op: the parser knows how many it still needs.
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(ParseStatus.Incomplete, parser.TryParse(header, out _, out _));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024);
    }

    [Fact]
    public void A_large_value_arriving_in_small_segments_is_copied_once()
    {
        var value = new string('v', 200_000);
        var bytes = Encoding.ASCII.GetBytes($"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${value.Length}\r\n{value}\r\n");
        var parser = new RequestParser(Limits);
        var status = ParseStatus.Incomplete;
        var request = default(RespRequest);
        for (var received = 4096; received <= bytes.Length + 4096; received += 4096)
        {
            var available = Math.Min(received, bytes.Length);
            status = parser.TryParse(Segmented(bytes.AsMemory(0, available), 4096), out request, out _);
            if (status != ParseStatus.Incomplete)
            {
                break;
            }
        }

        Assert.Equal(ParseStatus.Complete, status);
        Assert.Equal(value, Encoding.ASCII.GetString(request[2]));
    }

    private static ReadOnlySequence<byte> Bytes(string s) => new(Encoding.UTF8.GetBytes(s));

    private static string[] ParseWhole(byte[] bytes)
    {
        var parser = new RequestParser(Limits);
        Assert.Equal(ParseStatus.Complete, parser.TryParse(new ReadOnlySequence<byte>(bytes), out var request, out _));
        return Strings(request);
    }

    private static string[] Strings(RespRequest request)
    {
        var result = new string[request.Count];
        for (var i = 0; i < request.Count; i++)
        {
            result[i] = Encoding.UTF8.GetString(request[i]);
        }

        return result;
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, int split)
    {
        var first = new Segment(bytes.AsMemory(0, split));
        var last = first.Append(bytes.AsMemory(split));
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) => Segmented(bytes, 1);

    private static ReadOnlySequence<byte> Segmented(ReadOnlyMemory<byte> bytes, int size)
    {
        var first = new Segment(bytes[..Math.Min(size, bytes.Length)]);
        var last = first;
        for (var i = size; i < bytes.Length; i += size)
        {
            last = last.Append(bytes[i..Math.Min(i + size, bytes.Length)]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
