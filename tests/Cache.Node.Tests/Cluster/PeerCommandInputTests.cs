using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>Malformed node-to-node commands get a clear error; the connection keeps serving and stored data is untouched.</summary>
public sealed class PeerCommandInputTests
{
    [Fact]
    public async Task Malformed_peer_commands_are_refused_and_change_nothing()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectPeerAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "kept", "value"));

        // APPLY: a bad number, a kind out of range, a negative expiry, an incomplete entry.
        Assert.Equal("-ERR malformed replicated entry\r\n", await client.CallAsync("GOSSIPCACHE", "APPLY", "kept", "x", "1", "1", "0", "v"));
        Assert.Equal("-ERR malformed replicated entry\r\n", await client.CallAsync("GOSSIPCACHE", "APPLY", "kept", "99999999999", "1", "9", "0", "v"));
        Assert.Equal("-ERR malformed replicated entry\r\n", await client.CallAsync("GOSSIPCACHE", "APPLY", "kept", "99999999999", "70000", "1", "0", "v"));
        Assert.Equal("-ERR malformed replicated entry\r\n", await client.CallAsync("GOSSIPCACHE", "APPLY", "kept", "99999999999", "1", "1", "-5", "v"));
        Assert.Equal("-ERR wrong number of arguments for 'gossipcache|apply' command\r\n",
            await client.CallAsync("GOSSIPCACHE", "APPLY", "kept", "99999999999", "1", "1", "0", "v", "extra"));

        // A valid entry followed by a malformed one: nothing of the request is applied.
        Assert.Equal("-ERR malformed replicated entry\r\n",
            await client.CallAsync("GOSSIPCACHE", "APPLY", "kept", "99999999999", "1", "1", "0", "new", "other", "bad", "1", "1", "0", "v"));

        // PULL, TREE, DIGESTS: bad cursor, count and bitmap sizes.
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("GOSSIPCACHE", "PULL", "-1", "10", new string('A', 2048)));
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("GOSSIPCACHE", "PULL", "0", "100000", new string('A', 2048)));
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("GOSSIPCACHE", "PULL", "0", "10", "short"));
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("GOSSIPCACHE", "TREE", "short"));
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("GOSSIPCACHE", "DIGESTS", "short"));
        Assert.StartsWith("*2\r\n$1\r\n0\r\n", await client.CallAsync("GOSSIPCACHE", "PULL", "0", "10", new string('A', 2048)));
        // HANDOFF: merged only when the sender's ring hash is this node's; a malformed hash is refused.
        var ringHash = node.Server.Cluster!.Ring.Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("-TRYAGAIN this node's ring differs", await client.CallAsync("GOSSIPCACHE", "HANDOFF", "0123456789abcdef", "other", "99999999999", "1", "1", "0", "v"), StringComparison.Ordinal);
        Assert.Equal("-ERR syntax error\r\n", await client.CallAsync("GOSSIPCACHE", "HANDOFF", "not-hex", "other", "99999999999", "1", "1", "0", "v"));
        Assert.Equal(":1\r\n", await client.CallAsync("GOSSIPCACHE", "HANDOFF", ringHash, "handed", "99999999999", "1", "1", "0", "v"));
        Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", "handed"));
        Assert.Equal(":1\r\n", await client.CallAsync("DEL", "handed"));

        // A slot list instead of a bitmap: 2 bytes per slot, little-endian; a slot past 16383, an
        // odd length or a zero count is refused.
        await using (var peer = await node.ConnectPeerLinkAsync())
        {
            async Task<Cache.Client.Resp.RespReply> LeavesAsync(string count, byte[] slots) =>
                await peer.ExecuteAsync(["GOSSIPCACHE"u8.ToArray(), "LEAVES"u8.ToArray(), "0"u8.ToArray(), System.Text.Encoding.ASCII.GetBytes(count), slots]);

            Assert.Equal("ERR syntax error", (await LeavesAsync("10", [0xFF, 0xFF])).Text);
            Assert.Equal("ERR syntax error", (await LeavesAsync("10", [1, 2, 3])).Text);
            Assert.Equal("ERR syntax error", (await LeavesAsync("0", [1, 0])).Text);
            var slot = Cache.Gossip.Ring.HashSlot.ForKey("kept"u8);
            var leaves = (await LeavesAsync("10", [(byte)(slot & 0xFF), (byte)(slot >> 8)])).ThrowIfError();
            Assert.Equal("0", leaves.Items![0].Text);
            Assert.Equal("kept", leaves.Items[1].Items![0].Text);
            Assert.Equal(8, leaves.Items[1].Items![1].Bytes!.Length);
        }

        // FETCH names keys: held ones come back as entries, others are left out.
        Assert.StartsWith("*2\r\n$1\r\n2\r\n*6\r\n$4\r\nkept\r\n", await client.CallAsync("GOSSIPCACHE", "FETCH", "kept", "missing"), StringComparison.Ordinal);
        Assert.Equal("*2\r\n$1\r\n1\r\n*0\r\n", await client.CallAsync("GOSSIPCACHE", "FETCH", "missing"));
        Assert.StartsWith("-ERR unknown subcommand 'NOPE'", await client.CallAsync("GOSSIPCACHE", "NOPE"), StringComparison.Ordinal);

        Assert.Equal("$5\r\nvalue\r\n", await client.CallAsync("GET", "kept"));
        Assert.Equal(":1\r\n", await client.CallAsync("DBSIZE"));
    }

    [Fact]
    public async Task Pages_of_large_values_end_early_so_one_request_cannot_exhaust_memory()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectPeerAsync();
        var big = new string('x', 10 * 1024 * 1024);
        foreach (var key in new[] { "{big}1", "{big}2", "{big}3" })
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", key, big));
        }

        // FETCH naming the same 10 MB key 4,096 times answers only until 16 MB of values.
        var names = Enumerable.Repeat("{big}1", 4096).ToArray();
        await using var peer = await node.ConnectPeerLinkAsync();
        var fetch = (await peer.ExecuteAsync(["GOSSIPCACHE", "FETCH", .. names])).ThrowIfError();
        Assert.Equal("2", fetch.Items![0].Text);
        Assert.Equal(2 * Cache.Node.Cluster.ReplicationCodec.ArgsPerEntry, fetch.Items[1].Items!.Count);

        // PULL of their slot: a page of at most 16 MB, then a cursor for the rest.
        var slot = Cache.Gossip.Ring.HashSlot.ForKey("{big}1"u8);
        ReadOnlyMemory<byte>[] pullArgs = ["GOSSIPCACHE"u8.ToArray(), "PULL"u8.ToArray(), "0"u8.ToArray(), "10"u8.ToArray(), new byte[] { (byte)(slot & 0xFF), (byte)(slot >> 8) }];
        var pull = (await peer.ExecuteAsync(pullArgs)).ThrowIfError();
        Assert.NotEqual("0", pull.Items![0].Text);
        Assert.Equal(2 * Cache.Node.Cluster.ReplicationCodec.ArgsPerEntry, pull.Items[1].Items!.Count);
        Assert.Equal(":3\r\n", await client.CallAsync("DBSIZE"));
    }
}
