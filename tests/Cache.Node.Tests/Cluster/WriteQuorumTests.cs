using Cache.Node.Configuration;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Issue 19 in one process: the write quorum counts the voters (members that did not leave), so a
/// node given seeds that has met no one refuses writes (and, by default, reads) before they run,
/// while a member that leaves gracefully stops counting and the survivor keeps writing. Crashes
/// and partitions are in CatchUpProcessTests and Faults/FaultInjectionTests.
/// </summary>
public sealed class WriteQuorumTests
{
    private const string NoReplicas = "-NOREPLICAS Not enough good replicas to write.\r\n";

    [Fact]
    public async Task A_node_given_seeds_that_met_no_one_refuses_writes_and_reads_before_they_run()
    {
        // A seed nobody answers on (loopback, a port nothing listens on).
        await using var node = await TestNode.StartAsync(o => o.Join = "127.0.0.1:9");
        await using var client = await node.ConnectAsync();
        Assert.Equal(NoReplicas, await client.CallAsync("SET", "k", "v"));
        Assert.Equal("-CLUSTERDOWN The cluster is down\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal("-EXECABORT Transaction discarded because of: NOREPLICAS Not enough good replicas to write.\r\n", await TransactionAsync(client));
        using (node.Server.Keys.Enter())
        {
            Assert.Equal(0, node.Server.Keys.Count);
        }

        var info = await client.CallAsync("INFO", "cluster");
        Assert.Contains("cluster_write_quorum:-1\r\n", info, StringComparison.Ordinal);
        Assert.Contains("cluster_quorum_reachable:0\r\n", info, StringComparison.Ordinal);
        Assert.Contains("cluster_writes_refused_no_quorum:2\r\n", info, StringComparison.Ordinal);
        Assert.Contains("cluster_reads_refused_no_quorum:1\r\n", info, StringComparison.Ordinal);
        Assert.Contains("cluster_minority_reads:refuse\r\n", info, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_whose_keys_their_arguments_name_are_refused_before_they_run_too()
    {
        await using var node = await TestNode.StartAsync(o => o.Join = "127.0.0.1:9");
        await using var client = await node.ConnectAsync();
        using (node.Server.Keys.Enter())
        {
            // Data from before the partition, which a refused write must leave as it is.
            node.Server.Keys.SetString("s"u8, "v"u8);
        }

        // Movable keys (numkeys or a keyword says where they are) and scripts, which may write.
        Assert.Equal(NoReplicas, await client.CallAsync("LMPOP", "1", "l", "LEFT"));
        Assert.Equal(NoReplicas, await client.CallAsync("ZMPOP", "1", "z", "MIN"));
        Assert.Equal(NoReplicas, await client.CallAsync("ZUNIONSTORE", "d", "1", "z"));
        Assert.Equal(NoReplicas, await client.CallAsync("EVAL", "return redis.call('set', KEYS[1], 'x')", "1", "s"));
        Assert.Equal(NoReplicas, await client.CallAsync("EVAL", "return 1", "0"));
        using (node.Server.Keys.Enter())
        {
            Assert.Equal(1, node.Server.Keys.Count);
        }
    }

    [Fact]
    public async Task With_minority_reads_allow_it_serves_its_own_copy()
    {
        await using var node = await TestNode.StartAsync(o => { o.Join = "127.0.0.1:9"; o.MinorityReads = "allow"; });
        await using var client = await node.ConnectAsync();
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal(NoReplicas, await client.CallAsync("SET", "k", "v"));
    }

    [Fact]
    public async Task A_graceful_leave_stops_counting_and_the_survivor_keeps_writing()
    {
        await using var stays = await TestNode.StartAsync();
        var leaves = await TestNode.StartAsync(o => o.Join = stays.Server.Cluster!.Gossip.Address);
        await using var client = await stays.ConnectAsync();
        try
        {
            await MembershipWait.RingAsync(stays.Server.Cluster!, 2, TimeSpan.FromSeconds(20));
            await MembershipWait.RingAsync(leaves.Server.Cluster!, 2, TimeSpan.FromSeconds(20));
            var info = await client.CallAsync("INFO", "cluster");
            Assert.Contains("cluster_voters:2\r\n", info, StringComparison.Ordinal);
            Assert.Contains("cluster_write_quorum:2\r\n", info, StringComparison.Ordinal);
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", "before", "1"));

            // A live member cannot be forgotten, nor can the node itself, nor a stranger.
            Assert.StartsWith("-ERR Can't forget a node that is up", await client.CallAsync("CLUSTER", "FORGET", leaves.Server.Cluster!.Gossip.Name), StringComparison.Ordinal);
            Assert.StartsWith("-ERR I tried hard", await client.CallAsync("CLUSTER", "FORGET", stays.Server.Cluster!.NodeId), StringComparison.Ordinal);
            Assert.Equal("-ERR Unknown node nobody\r\n", await client.CallAsync("CLUSTER", "FORGET", "nobody"));
        }
        finally
        {
            await leaves.DisposeAsync();
        }

        await MembershipWait.RingAsync(stays.Server.Cluster!, 1, TimeSpan.FromSeconds(20));
        var after = await client.CallAsync("INFO", "cluster");
        Assert.Contains("cluster_voters:1\r\n", after, StringComparison.Ordinal);
        Assert.Contains("cluster_write_quorum:1\r\n", after, StringComparison.Ordinal);
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "after", "2"));
        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("GET", "before"));
    }

    [Theory]
    [InlineData("refuse", null)]
    [InlineData("ALLOW", null)]
    [InlineData("stale", "--minority-reads must be refuse or allow, not 'stale'")]
    public void Minority_reads_is_refuse_or_allow(string value, string? error) =>
        Assert.Equal(error, NodeOptionsValidator.Validate(new NodeOptions { MinorityReads = value }));

    private static async Task<string> TransactionAsync(RespTestClient client)
    {
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "k", "v"));
        return await client.CallAsync("EXEC");
    }
}
