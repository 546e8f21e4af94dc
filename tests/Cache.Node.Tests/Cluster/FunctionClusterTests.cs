namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Function libraries in a cluster: a change on one node (LOAD, DELETE, RESTORE, FLUSH) reaches
/// every other node, which then serves FCALL itself; an older set never replaces a newer one.
/// </summary>
public sealed class FunctionClusterTests
{
    private const string Library = "#!lua name=shared\nredis.register_function('where', function() return 'everywhere' end)";

    [Fact]
    public async Task A_library_loaded_on_one_node_reaches_every_node_and_so_does_its_deletion()
    {
        var nodes = await TestCluster.StartAsync(3);
        try
        {
            await using var first = await nodes[0].ConnectAsync();
            Assert.Equal("$6\r\nshared\r\n", await first.CallAsync("FUNCTION", "LOAD", Library));
            await TestCluster.WaitUntilAsync(() => nodes.All(n => LibrariesOn(n) == 1), "the library on every node");

            await using var third = await nodes[2].ConnectAsync();
            Assert.Equal("$10\r\neverywhere\r\n", await third.CallAsync("FCALL", "where", "0"));

            await using var second = await nodes[1].ConnectAsync();
            Assert.Equal("+OK\r\n", await second.CallAsync("FUNCTION", "DELETE", "shared"));
            await TestCluster.WaitUntilAsync(() => nodes.All(n => LibrariesOn(n) == 0), "the deletion on every node");
            Assert.Equal("-ERR Function not found\r\n", await first.CallAsync("FCALL", "where", "0"));
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    [Fact]
    public async Task An_older_set_from_a_peer_is_ignored()
    {
        var nodes = await TestCluster.StartAsync(2);
        try
        {
            await using var client = await nodes[0].ConnectAsync();
            await client.CallAsync("FUNCTION", "LOAD", Library);
            await TestCluster.WaitUntilAsync(() => nodes.All(n => LibrariesOn(n) == 1), "the library on both nodes");

            // An empty set (a FLUSH) stamped before the load is not taken.
            using (nodes[1].Server.Keys.Enter())
            {
                Assert.False(nodes[1].Server.Functions.TryAdopt(1, []));
            }

            Assert.Equal(1, LibrariesOn(nodes[1]));
            Assert.Equal(1, LibrariesOn(nodes[0]));
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    private static int LibrariesOn(Infrastructure.TestNode node)
    {
        using (node.Server.Keys.Enter())
        {
            return node.Server.Functions.LibraryCount;
        }
    }
}
