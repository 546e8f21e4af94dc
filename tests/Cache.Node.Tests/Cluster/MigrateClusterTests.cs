using System.Globalization;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// MIGRATE in a three-node cluster: sent to any node, it runs on the keys' primary (a non-owner
/// forwards it), the keys reach the target, and their deletion replicates, so no node keeps a
/// copy; KEYS spanning slots is CROSSSLOT, as in Redis Cluster.
/// </summary>
public sealed class MigrateClusterTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>, IAsyncLifetime
{
    private RedisServerProcess _target = null!;

    public async Task InitializeAsync() => _target = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task Migrate_through_any_node_moves_the_keys_and_every_copy_is_deleted()
    {
        var port = _target.Port.ToString(CultureInfo.InvariantCulture);
        for (var via = 0; via < cluster.Nodes.Count; via++)
        {
            var tag = "{migrate-" + via + "}";
            string[] keys = [tag + "a", tag + "b"];
            await using (var client = await cluster.Nodes[0].ConnectAsync())
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", keys[0], "1"));
                Assert.Equal("+OK\r\n", await client.CallAsync("SET", keys[1], "2"));
            }

            await using (var client = await cluster.Nodes[via].ConnectAsync())
            {
                Assert.Equal("+OK\r\n", await client.CallAsync("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", keys[0], keys[1]));
                Assert.Equal(":0\r\n", await client.CallAsync("EXISTS", keys[0], keys[1]));
                Assert.Equal("+NOKEY\r\n", await client.CallAsync("MIGRATE", "127.0.0.1", port, keys[0], "0", "5000"));
            }

            foreach (var node in cluster.Nodes)
            {
                foreach (var key in keys)
                {
                    await TestCluster.WaitUntilAsync(() => TestCluster.ValueOn(node, key) is null, $"{key}'s deletion reaching every copy");
                }
            }

            await using var target = await _target.ConnectAsync();
            Assert.Equal("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", await target.CallAsync("MGET", keys[0], keys[1]));
        }
    }

    [Fact]
    public async Task Keys_of_different_slots_are_crossslot()
    {
        await using var client = await cluster.Nodes[0].ConnectAsync();
        var reply = await client.CallAsync("MIGRATE", "127.0.0.1", "1", "", "0", "1000", "KEYS", "a", "b", "c");
        Assert.StartsWith("-CROSSSLOT", reply, StringComparison.Ordinal);
    }
}
