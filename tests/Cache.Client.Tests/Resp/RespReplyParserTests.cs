using System.Buffers;
using System.Text;
using Cache.Client.Resp;

namespace Cache.Client.Tests.Resp;

public sealed class RespReplyParserTests
{
    [Theory]
    [InlineData("*3\r\n*0\r\n*2\r\n:1\r\n*1\r\n:2\r\n$-1\r\n", "[[], [1, [2]], (nil)]")]
    [InlineData("*2\r\n%1\r\n+k\r\n*2\r\n$2\r\nab\r\n:3\r\n+done\r\n", "[[k, [ab, 3]], done]")]
    [InlineData("|1\r\n+key\r\n+val\r\n*1\r\n:7\r\n", "[7]")]
    public void A_reply_arriving_a_byte_at_a_time_resumes_its_scan_and_the_next_reply_starts_fresh(string wire, string expected)
    {
        // One parser across every read, as a connection uses it: each call resumes the scan.
        var bytes = Encoding.UTF8.GetBytes(wire + wire);
        var parser = new RespReplyParser();
        var first = Encoding.UTF8.GetByteCount(wire);
        for (var length = 0; length < first; length++)
        {
            Assert.False(parser.TryParse(new ReadOnlySequence<byte>(bytes, 0, length), out _, out _));
        }

        Assert.True(parser.TryParse(new ReadOnlySequence<byte>(bytes, 0, first), out var reply, out var consumed));
        Assert.Equal(expected, reply!.ToString());
        Assert.Equal(first, new ReadOnlySequence<byte>(bytes).Slice(0, consumed).Length);
        for (var length = 0; length < first; length++)
        {
            Assert.False(parser.TryParse(new ReadOnlySequence<byte>(bytes, first, length), out _, out _));
        }

        Assert.True(parser.TryParse(new ReadOnlySequence<byte>(bytes, first, first), out reply, out _));
        Assert.Equal(expected, reply!.ToString());
    }

    [Theory]
    [InlineData("+OK\r\n", "OK")]
    [InlineData("-ERR bad\r\n", "ERR(ERR bad)")]
    [InlineData(":-42\r\n", "-42")]
    [InlineData("$5\r\nhe\r\no\r\n", "he\r\no")]
    [InlineData("$-1\r\n", "(nil)")]
    [InlineData("*-1\r\n", "(nil)")]
    [InlineData("_\r\n", "(nil)")]
    [InlineData("*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n", "[1, a, [x]]")]
    [InlineData("%1\r\n+k\r\n:2\r\n", "[k, 2]")]
    [InlineData("~2\r\n+a\r\n+b\r\n", "[a, b]")]
    [InlineData(",1.5\r\n", "1.5")]
    [InlineData("#t\r\n", "1")]
    [InlineData("=8\r\ntxt:info\r\n", "info")]
    [InlineData("|1\r\n+key\r\n+val\r\n:7\r\n", "7")]
    public void Parses_every_reply_type_split_at_every_byte(string wire, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        for (var split = 0; split <= bytes.Length; split++)
        {
            var parser = new RespReplyParser();
            if (split < bytes.Length)
            {
                Assert.False(parser.TryParse(new ReadOnlySequence<byte>(bytes, 0, split), out _, out _));
            }

            Assert.True(parser.TryParse(new ReadOnlySequence<byte>(bytes), out var reply, out var consumed));
            Assert.Equal(expected, reply!.ToString());
            Assert.Equal(bytes.Length, new ReadOnlySequence<byte>(bytes).Slice(0, consumed).Length);
        }
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12x\r\n")]
    [InlineData("$999999999999\r\n")]
    public void Protocol_violations_throw_connection_errors(string wire)
    {
        var parser = new RespReplyParser();
        Assert.Throws<RespConnectionException>(() => parser.TryParse(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(wire)), out _, out _));
    }

    [Fact]
    public void A_huge_declared_array_allocates_nothing_until_its_elements_arrive()
    {
        var parser = new RespReplyParser();
        Assert.False(parser.TryParse(new ReadOnlySequence<byte>("*2000000000\r\n"u8.ToArray()), out _, out _));
    }
}
