using System.Net.Sockets;
using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands;

/// <summary>
/// SHUTDOWN on a node hosted in this process: it saves as Redis does, closes the client's
/// connection without a reply and stops that node alone (a cluster member leaves and hands its
/// keys off first); what it refuses, it refuses as redis-server does.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ShutdownCommandTests(DifferentialFixture redis)
{
    [Fact]
    public Task Refusals_match_redis_server() => redis.AssertSameAsync(
        ["SHUTDOWN", "FOO"], ["SHUTDOWN", "ABORT"], ["SHUTDOWN", "NOSAVE", "SAVE"], ["SHUTDOWN", "ABORT", "NOW"], ["SHUTDOWN", "FORCE", "ABORT"],
        ["SHUTDOWN", "SAVE", "NOSAVE", "NOW"], ["MULTI"], ["SET", "foo", "bar"], ["SHUTDOWN"], ["EXEC"], ["GET", "foo"],
        ["EVAL", "return redis.call('shutdown')", "0"], ["COMMAND", "INFO", "SHUTDOWN"]);

    [Fact]
    public async Task Shutdown_save_writes_the_file_closes_the_connection_and_stops_only_that_node()
    {
        await using var other = await TestNode.StartAsync();
        var node = await TestNode.StartAsync();
        await using (node)
        {
            var file = Path.Combine(node.Server.Settings.Dir, node.Server.Settings.DbFilename);
            await using var client = await node.ConnectAsync();
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v"));
            Assert.False(File.Exists(file));
            await client.SendAsync("SHUTDOWN", "SAVE");
            Assert.True(await client.IsClosedByServerAsync());
            Assert.True(File.Exists(file));
            await TestCluster.WaitUntilAsync(() => !Accepts(node.Port), "the node stops listening");
            await using var stillServed = await other.ConnectAsync();
            Assert.Equal("+PONG\r\n", await stillServed.CallAsync("PING"));
        }
    }

    [Fact]
    public async Task Shutdown_with_save_points_saves_and_nosave_does_not()
    {
        foreach (var (option, saves) in new[] { ("", true), ("NOSAVE", false) })
        {
            await using var node = await TestNode.StartAsync(o => o.Save = "3600 1");
            var file = Path.Combine(node.Server.Settings.Dir, node.Server.Settings.DbFilename);
            await using var client = await node.ConnectAsync();
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v"));
            await client.SendAsync(option == "" ? ["SHUTDOWN"] : ["SHUTDOWN", option]);
            Assert.True(await client.IsClosedByServerAsync());
            Assert.Equal(saves, File.Exists(file));
        }
    }

    [Fact]
    public async Task A_failed_save_stops_the_shutdown_unless_forced()
    {
        await using var node = await TestNode.StartAsync(o => o.Save = "3600 1");
        await using var client = await node.ConnectAsync();
        // The file's place is taken by a folder, so the save fails.
        Directory.CreateDirectory(Path.Combine(node.Server.Settings.Dir, node.Server.Settings.DbFilename));
        Assert.Equal("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", await client.CallAsync("SHUTDOWN"));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.False(node.Server.Shutdown.IsRequested);
        await client.SendAsync("SHUTDOWN", "FORCE");
        Assert.True(await client.IsClosedByServerAsync());
        Assert.True(node.Server.Shutdown.IsRequested);
    }

    [Fact]
    public async Task A_cluster_member_shut_down_hands_its_keys_to_the_next_owners_first()
    {
        await using var stays = await TestNode.StartAsync(o => o.Replicas = 1);
        await using var leaves = await TestNode.StartAsync(o => { o.Replicas = 1; o.Join = stays.Server.Cluster!.Gossip.Address; });
        await MembershipWait.RingAsync(stays.Server.Cluster!, 2, TimeSpan.FromSeconds(20));
        await MembershipWait.RingAsync(leaves.Server.Cluster!, 2, TimeSpan.FromSeconds(20));
        await using (var client = await stays.ConnectAsync())
        {
            for (var i = 0; i < 200; i++)
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"leaving:{i}", $"{i}"));
            }
        }

        Assert.InRange(leaves.Server.Keys.Count, 1, 199);
        await using (var admin = await leaves.ConnectAsync())
        {
            await admin.SendAsync("SHUTDOWN", "NOSAVE");
            Assert.True(await admin.IsClosedByServerAsync());
        }

        await MembershipWait.RingAsync(stays.Server.Cluster!, 1, TimeSpan.FromSeconds(20));
        await using var reader = await stays.ConnectAsync();
        for (var i = 0; i < 200; i++)
        {
            var value = $"{i}";
            Assert.Equal($"${value.Length}\r\n{value}\r\n", await reader.CallAsync("GET", $"leaving:{i}"));
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            tcp.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
