using System.Text;
using Cache.Node.Cluster;

namespace Cache.Node.Tests.Cluster;

/// <summary>LEAVES replies read from their bytes: well-formed pages parse, anything else is refused.</summary>
public sealed class PeerReplyParserTests
{
    private const string Hash1 = "\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000";
    private const string Hash2 = "\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0001";

    [Fact]
    public void A_page_of_leaves_parses()
    {
        var page = PeerReplyParser.ParseLeaves(Bytes($"*2\r\n$2\r\n17\r\n*4\r\n$3\r\nabc\r\n$8\r\n{Hash1}\r\n$0\r\n\r\n$8\r\n{Hash2}\r\n"));
        Assert.NotNull(page);
        Assert.Equal(17, page.Next);
        Assert.Equal("abc", Encoding.ASCII.GetString(page.Leaves[0].Key));
        Assert.Equal(1UL, page.Leaves[0].EntryHash);
        Assert.Empty(page.Leaves[1].Key);
        Assert.Equal(0x0100_0000_0000_0002UL, page.Leaves[1].EntryHash);
        Assert.NotNull(PeerReplyParser.ParseLeaves(Bytes("*2\r\n$1\r\n0\r\n*0\r\n")));
    }

    [Theory]
    [InlineData("*3\r\n$1\r\n0\r\n*0\r\n")]                              // three parts
    [InlineData("*2\r\n$1\r\nx\r\n*0\r\n")]                              // cursor not a number
    [InlineData("*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n")]                   // a key without its hash
    [InlineData("*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$2\r\nab\r\n")]       // a hash that is not 8 bytes
    [InlineData("*2\r\n$1\r\n0\r\n*2\r\n$9\r\na\r\n")]                   // a bulk longer than the frame
    [InlineData("*2\r\n$1\r\n0\r\n*0\r\nextra")]                         // bytes after the reply
    [InlineData("*2\r\n$-1\r\n*0\r\n")]                                  // a null cursor
    [InlineData("")]
    public void Anything_else_is_refused(string frame) => Assert.Null(PeerReplyParser.ParseLeaves(Bytes(frame)));

    private static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public void A_page_of_entries_parses()
    {
        var parsed = PeerReplyParser.ParseEntries(Bytes("*2\r\n$1\r\n5\r\n*6\r\n$1\r\nk\r\n$3\r\n900\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n0\r\n$1\r\nv\r\n"));
        Assert.NotNull(parsed);
        var (number, entries) = parsed.Value;
        Assert.Equal(5, number);
        var (key, entry) = Assert.Single(entries);
        Assert.Equal("k", Encoding.ASCII.GetString(key));
        Assert.Equal(new Cache.Node.Storage.EntryVersion(900, 2), entry.Version);
        Assert.Equal("v", Encoding.ASCII.GetString(entry.Value.Span));
    }

    [Theory]
    [InlineData("*2\r\n$1\r\n0\r\n*6\r\n$1\r\nk\r\n$1\r\n9\r\n$5\r\n70000\r\n$1\r\n1\r\n$1\r\n0\r\n$1\r\nv\r\n")]   // node id out of range
    [InlineData("*2\r\n$1\r\n0\r\n*6\r\n$1\r\nk\r\n$1\r\n9\r\n$1\r\n1\r\n$2\r\n99\r\n$1\r\n0\r\n$1\r\nv\r\n")]   // kind out of range
    [InlineData("*2\r\n$1\r\n0\r\n*6\r\n$1\r\nk\r\n$1\r\n9\r\n$1\r\n1\r\n$1\r\n1\r\n$2\r\n-5\r\n$1\r\nv\r\n")]   // negative expiry
    [InlineData("*2\r\n$1\r\n0\r\n*5\r\n$1\r\nk\r\n$1\r\n9\r\n$1\r\n1\r\n$1\r\n0\r\n$1\r\n0\r\n")]                  // an entry cut short
    public void A_malformed_entry_refuses_the_whole_page(string frame) => Assert.Null(PeerReplyParser.ParseEntries(Bytes(frame)));
}
