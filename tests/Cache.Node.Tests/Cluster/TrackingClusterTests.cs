using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Client-side caching across three nodes: a client tracking a key on one node hears of a write
/// made through another (the key's primary, or a third node that forwards it), because the
/// change reaches every node holding a copy through replication and every change there goes
/// through the tracker. RESP3 pushes, RESP2 redirection and BCAST.
/// </summary>
public sealed class TrackingClusterTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Theory]
    [InlineData("primary")]
    [InlineData("third node")]
    public async Task A_resp3_client_tracking_on_one_node_is_invalidated_by_a_write_through_another(string through)
    {
        var key = "tracked:" + through.Replace(' ', '-');
        var (reader, writer) = Pick(key, through);
        await using var tracked = await reader.ConnectAsync();
        await using var other = await writer.ConnectAsync();
        Assert.StartsWith("%", await tracked.CallAsync("HELLO", "3"), StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await tracked.CallAsync("CLIENT", "TRACKING", "ON"));
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", key, "1"));
        // A majority acknowledged the write: the reader's own copy may land later, and must not count as the next change.
        await TestCluster.WaitUntilAsync(() => TestCluster.ValueOn(reader, key) == "1", "the reader's copy of the first write");
        Assert.Equal("$1\r\n1\r\n", await tracked.CallAsync("GET", key));

        Assert.Equal("+OK\r\n", await other.CallAsync("SET", key, "2"));
        Assert.Equal(Push(key), await tracked.ReadReplyAsync());
        Assert.Equal("$1\r\n2\r\n", await tracked.CallAsync("GET", key));

        Assert.Equal(":1\r\n", await other.CallAsync("DEL", key));
        Assert.Equal(Push(key), await tracked.ReadReplyAsync());
    }

    [Fact]
    public async Task A_resp2_redirection_on_one_node_hears_a_write_through_another()
    {
        const string Key = "tracked:redirect";
        var (reader, writer) = Pick(Key, "third node");
        await using var listener = await reader.ConnectAsync();
        await using var tracked = await reader.ConnectAsync();
        await using var other = await writer.ConnectAsync();
        var id = (await listener.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        await listener.CallAsync("SUBSCRIBE", "__redis__:invalidate");
        Assert.Equal("+OK\r\n", await tracked.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", id));
        Assert.Equal("$-1\r\n", await tracked.CallAsync("GET", Key));

        Assert.Equal("+OK\r\n", await other.CallAsync("SET", Key, "v"));
        Assert.Equal($"*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n${Key.Length}\r\n{Key}\r\n", await listener.ReadReplyAsync());
    }

    [Fact]
    public async Task A_bcast_client_on_one_node_hears_writes_under_its_prefix_through_another()
    {
        var (reader, writer) = Pick("bcast:1", "third node");
        await using var tracked = await reader.ConnectAsync();
        await using var other = await writer.ConnectAsync();
        await tracked.CallAsync("HELLO", "3");
        Assert.Equal("+OK\r\n", await tracked.CallAsync("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "bcast:"));
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", "elsewhere:1", "x"));
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", "bcast:1", "x"));
        Assert.Equal(Push("bcast:1"), await tracked.ReadReplyAsync());
    }

    private static string Push(string key) => $">2\r\n$10\r\ninvalidate\r\n*1\r\n${key.Length}\r\n{key}\r\n";

    // The reader is a node that is not the key's primary (so its GET is forwarded, and tracked where it holds a copy).
    private (TestNode Reader, TestNode Writer) Pick(string key, string through)
    {
        var owner = cluster.OwnerOf(key);
        var others = cluster.Nodes.Where(n => n != owner).ToList();
        return (others[0], through == "primary" ? owner : others[1]);
    }
}
