using System.Buffers;
using System.Text;
using Cache.Client.Resp;
using Cache.Node.Cluster;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Cluster;

/// <summary>Peers' replies decoded as they are scanned: well-formed pages parse, also when they arrive in pieces; anything else is refused.</summary>
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

    private const string EntryPage = "*2\r\n$1\r\n5\r\n*12\r\n$1\r\nk\r\n$3\r\n900\r\n$1\r\n2\r\n$1\r\n1\r\n$1\r\n0\r\n$1\r\nv\r\n"
        + "$2\r\nk2\r\n$3\r\n901\r\n$1\r\n3\r\n$1\r\n3\r\n$4\r\n1234\r\n$0\r\n\r\n";

    [Fact]
    public void A_page_arriving_in_two_reads_split_anywhere_decodes_as_the_whole_does()
    {
        var bytes = Bytes(EntryPage);
        var whole = PeerReplyParser.ParseEntries(bytes)!.Value;
        Assert.Equal(2, whole.Entries.Count);
        for (var split = 0; split < bytes.Length; split++)
        {
            var scanner = new RespFrameScanner();
            IRespFrameVisitor decoder = new EntryPageDecoder();
            Assert.False(scanner.TryFindEnd(new ReadOnlySequence<byte>(bytes, 0, split), ref decoder, out _));
            Assert.True(scanner.TryFindEnd(new ReadOnlySequence<byte>(bytes), ref decoder, out _));
            var page = (EntryPageDecoder)decoder;
            Assert.Equal(whole.Number, page.Number);
            Assert.Equal(whole.Entries.Select(Describe), page.Entries!.Select(Describe));
        }
    }

    [Fact]
    public void A_leaf_page_in_two_reads_split_anywhere_decodes_as_the_whole_does()
    {
        var bytes = Bytes($"*2\r\n$2\r\n17\r\n*4\r\n$3\r\nabc\r\n$8\r\n{Hash1}\r\n$0\r\n\r\n$8\r\n{Hash2}\r\n");
        for (var split = 0; split < bytes.Length; split++)
        {
            var scanner = new RespFrameScanner();
            IRespFrameVisitor decoder = new LeafPageDecoder();
            Assert.False(scanner.TryFindEnd(new ReadOnlySequence<byte>(bytes, 0, split), ref decoder, out _));
            Assert.True(scanner.TryFindEnd(new ReadOnlySequence<byte>(bytes), ref decoder, out _));
            var page = ((LeafPageDecoder)decoder).Page;
            Assert.NotNull(page);
            Assert.Equal([1UL, 0x0100_0000_0000_0002UL], page.Leaves.Select(l => l.EntryHash));
        }
    }

    [Fact]
    public void An_error_reply_is_kept_for_the_caller_to_throw()
    {
        IRespFrameVisitor decoder = new LeafPageDecoder();
        Assert.True(new RespFrameScanner().TryFindEnd(new ReadOnlySequence<byte>(Bytes("-ERR unknown subcommand\r\n")), ref decoder, out _));
        var page = (LeafPageDecoder)decoder;
        Assert.Equal("ERR unknown subcommand", page.Error);
        Assert.Null(page.Page);
    }

    [Theory]
    [InlineData("*2\r\n$1\r\n0\r\n*1\r\n*0\r\n")]                     // an item that is not a bulk
    [InlineData("*2\r\n*0\r\n*0\r\n")]                                    // the number not a bulk
    [InlineData("*2\r\n$1\r\n0\r\n$1\r\n0\r\n")]                      // the items not an array
    [InlineData("+OK\r\n")]
    [InlineData("?\r\n")]                                                     // broken RESP
    public void Other_shapes_are_refused(string frame)
    {
        Assert.Null(PeerReplyParser.ParseLeaves(Bytes(frame)));
        Assert.Null(PeerReplyParser.ParseEntries(Bytes(frame)));
    }

    [Fact]
    public void An_entry_reply_parses_and_anything_else_is_no_entry()
    {
        var entry = PeerReplyParser.ParseEntry(Bytes("*6\r\n$1\r\nk\r\n$3\r\n900\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n0\r\n$0\r\n\r\n"));
        Assert.NotNull(entry);
        Assert.Equal(new EntryVersion(900, 2), entry.Value.Version);
        Assert.True(entry.Value.IsTombstone);
        Assert.Null(PeerReplyParser.ParseEntry(Bytes("*0\r\n")));
        Assert.Null(PeerReplyParser.ParseEntry(Bytes("$-1\r\n")));
        Assert.Null(PeerReplyParser.ParseEntry(Bytes("-ERR x\r\n")));
        Assert.Null(PeerReplyParser.ParseEntry(Bytes("*6\r\n$1\r\nk\r\n$3\r\n900\r\n$1\r\n2\r\n$1\r\n9\r\n$1\r\n0\r\n$0\r\n\r\n")));
    }

    private static string Describe((byte[] Key, ReplicatedEntry Entry) item) =>
        $"{Encoding.Latin1.GetString(item.Key)} {item.Entry.Version} {item.Entry.Kind} {item.Entry.ExpiresAt} {Encoding.Latin1.GetString(item.Entry.Value.Span)}";
}
