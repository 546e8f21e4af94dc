using System.Text;
using Cache.Node.Cluster;
using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Blocking;

/// <summary>
/// Blocking pops woken by a replicated entry from a peer, and, in a two-node in-process cluster,
/// a blocking command sent to the node that does not own its key: forwarded on a connection of
/// its own, woken, timed out and cancelled there, without stalling the shared peer link.
/// </summary>
public sealed class BlockingReplicationAndClusterTests
{
    [Fact]
    public async Task A_replicated_entry_from_a_peer_wakes_a_waiter()
    {
        await using var here = await TestNode.StartAsync();
        await using var there = await TestNode.StartAsync();
        await using var blocker = await here.ConnectAsync();
        await using var peer = await here.ConnectPeerAsync();
        await using var writer = await there.ConnectAsync();
        await blocker.SendAsync("BLPOP", "jobs", "0");
        await TestCluster.WaitUntilAsync(() => here.Server.Blocking.BlockedCount == 1, "the client to block");

        await writer.CallAsync("RPUSH", "jobs", "j1", "j2");
        var args = new List<ReadOnlyMemory<byte>> { "GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray() };
        using (there.Server.Keys.Enter())
        {
            ReplicationCodec.Append(args, "jobs"u8.ToArray(), there.Server.Keys.Export("jobs"u8)!.Value);
        }

        await peer.SendRawAsync(Frame(args));
        await peer.ReadReplyAsync();
        Assert.Equal("*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n", await blocker.ReadReplyAsync());
        Assert.Equal("*1\r\n$2\r\nj2\r\n", await blocker.CallAsync("LRANGE", "jobs", "0", "-1"));
    }

    [Fact]
    public async Task A_blocking_command_through_a_node_that_does_not_own_the_key()
    {
        var nodes = await TestCluster.StartAsync(2);
        try
        {
            var (owner, other) = (nodes[0], nodes[1]);
            var key = KeyOwnedBy(owner, "queue");
            var busy = KeyOwnedBy(owner, "busy");
            await using var blocker = await other.ConnectAsync();
            await using var client = await other.ConnectAsync();

            // Forwarded and woken by a push through either node.
            await blocker.SendAsync("BLPOP", key, "0");
            await TestCluster.WaitUntilAsync(() => owner.Server.Blocking.BlockedCount == 1 && other.Server.Blocking.BlockedCount == 1, $"the forwarded block (owner {owner.Server.Blocking.BlockedCount}, other {other.Server.Blocking.BlockedCount})");
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", busy, "v"));   // the shared link still serves others
            Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", busy));
            Assert.Equal(":1\r\n", await client.CallAsync("RPUSH", key, "job"));
            Assert.Equal($"*2\r\n${key.Length}\r\n{key}\r\n$3\r\njob\r\n", await blocker.ReadReplyAsync());
            await TestCluster.WaitUntilAsync(() => owner.Server.Blocking.BlockedCount == 0 && other.Server.Blocking.BlockedCount == 0, "both blocks to end");

            // Timed out by the owner (real time: 50 ms).
            Assert.Equal("*-1\r\n", await blocker.CallAsync("BRPOP", key, "0.05"));

            // Cancelled on the owner when the client goes away.
            await using (var leaving = await other.ConnectAsync())
            {
                await leaving.SendAsync("BZPOPMIN", KeyOwnedBy(owner, "zset"), "0");
                await TestCluster.WaitUntilAsync(() => owner.Server.Blocking.BlockedCount == 1, "the second forwarded block");
            }

            await TestCluster.WaitUntilAsync(() => owner.Server.Blocking.BlockedCount == 0 && other.Server.Blocking.BlockedCount == 0, "the owner to drop the block");
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    [Fact]
    public async Task A_forwarded_block_travels_on_a_peer_connection_of_its_own_which_needs_no_password()
    {
        var nodes = await TestCluster.StartAsync(2, o => o.RequirePass = "client-password");
        try
        {
            var (owner, other) = (nodes[0], nodes[1]);
            var key = KeyOwnedBy(owner, "queue");
            await using var blocker = await other.ConnectAsync();
            await using var client = await other.ConnectAsync();
            Assert.Equal("+OK\r\n", await blocker.CallAsync("AUTH", "client-password"));
            Assert.Equal("+OK\r\n", await client.CallAsync("AUTH", "client-password"));

            await blocker.SendAsync("BLPOP", key, "0");
            await TestCluster.WaitUntilAsync(() => owner.Server.Blocking.BlockedCount == 1, "the forwarded block");
            Assert.Contains(owner.Server.Clients.Values, c => c.Connection is { IsPeer: true, PeerMayBlock: true });
            Assert.Equal(":1\r\n", await client.CallAsync("RPUSH", key, "job"));
            Assert.Equal($"*2\r\n${key.Length}\r\n{key}\r\n$3\r\njob\r\n", await blocker.ReadReplyAsync());
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    private static string KeyOwnedBy(TestNode owner, string prefix)
    {
        var ring = owner.Server.Cluster!.Ring;
        var name = owner.Server.Cluster!.Gossip.Name;
        for (var i = 0; ; i++)
        {
            var key = $"{prefix}{i}";
            if (ring.PrimaryOf(Cache.Gossip.Ring.HashSlot.ForKey(Encoding.UTF8.GetBytes(key)))!.Id == name)
            {
                return key;
            }
        }
    }

    private static byte[] Frame(List<ReadOnlyMemory<byte>> args)
    {
        var frame = new List<byte>();
        frame.AddRange(Encoding.ASCII.GetBytes($"*{args.Count}\r\n"));
        foreach (var arg in args)
        {
            frame.AddRange(Encoding.ASCII.GetBytes($"${arg.Length}\r\n"));
            frame.AddRange(arg.ToArray());
            frame.AddRange("\r\n"u8.ToArray());
        }

        return [.. frame];
    }
}
