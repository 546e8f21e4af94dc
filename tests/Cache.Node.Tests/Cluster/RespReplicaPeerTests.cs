using System.Text;
using Cache.Client.Resp;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// A replica's pages read over a real peer link: decoded as the bytes arrive, over many reads for a
/// large page, and the same as the node holds.
/// </summary>
public sealed class RespReplicaPeerTests
{
    private const int Keys = 400;

    [Fact]
    public async Task Pages_of_entries_and_leaves_arrive_whole_over_many_reads()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        var value = new string('v', 300);   // 400 entries of 300 bytes: a PULL page of ~140 KB, many reads
        var batch = new StringBuilder();
        for (var i = 0; i < Keys; i++)
        {
            batch.Append(System.Globalization.CultureInfo.InvariantCulture, $"*3\r\n$3\r\nSET\r\n$8\r\nkey:{i:D4}\r\n$300\r\n{value}\r\n");
        }

        await client.SendRawAsync(batch.ToString());
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal("+OK\r\n", await client.ReadReplyAsync());
        }

        await using var links = new PeerLinks(TestPeer.Credentials(), TimeSpan.FromSeconds(30), TimeProvider.System);
        var peer = new RespReplicaPeer(links.ForReplication(node.Endpoint));
        var every = SlotBitmap.From(Enumerable.Repeat(true, HashSlot.Count).ToArray());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var pulled = new Dictionary<string, string>();
        long cursor = 0;
        do
        {
            var page = await peer.PullAsync(cursor, 1000, every, timeout.Token);
            foreach (var (key, entry) in page.Entries)
            {
                pulled[Encoding.ASCII.GetString(key)] = Encoding.ASCII.GetString(entry.Value.Span);
            }

            cursor = page.Next;
        }
        while (cursor != 0);

        Assert.Equal(Keys, pulled.Count);
        Assert.All(pulled.Values, v => Assert.Equal(value, v));

        var leaves = new HashSet<string>();
        cursor = 0;
        do
        {
            var page = await peer.LeavesAsync(cursor, 1000, every, timeout.Token);
            leaves.UnionWith(page.Leaves.Select(l => Encoding.ASCII.GetString(l.Key)));
            cursor = page.Next;
        }
        while (cursor != 0);

        Assert.Equal(pulled.Keys.Order(), leaves.Order());

        var (answered, fetched) = await peer.FetchAsync([Encoding.ASCII.GetBytes("key:0007"), Encoding.ASCII.GetBytes("missing")], timeout.Token);
        Assert.Equal(2, answered);
        var (fetchedKey, fetchedEntry) = Assert.Single(fetched);
        Assert.Equal("key:0007", Encoding.ASCII.GetString(fetchedKey));
        Assert.Equal(value, Encoding.ASCII.GetString(fetchedEntry.Value.Span));
    }

    [Fact]
    public async Task An_error_reply_throws_as_the_servers_error()
    {
        await using var node = await TestNode.StartAsync();
        await using var links = new PeerLinks(TestPeer.Credentials(), TimeSpan.FromSeconds(30), TimeProvider.System);
        var peer = new RespReplicaPeer(links.ForReplication(node.Endpoint));
        // A count over the node's page limit is refused by the peer with an error reply.
        var error = await Assert.ThrowsAsync<RespServerException>(() => peer.PullAsync(0, 100_000, SlotBitmap.Create(), CancellationToken.None));
        Assert.StartsWith("ERR", error.Message, StringComparison.Ordinal);
    }
}
