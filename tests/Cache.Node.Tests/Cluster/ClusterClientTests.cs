using System.Diagnostics;
using StackExchange.Redis;

namespace Cache.Node.Tests.Cluster;

/// <summary>Real cluster clients against three in-process nodes: StackExchange.Redis and redis-cli -c.</summary>
public sealed class ClusterClientTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task StackExchange_redis_sees_a_cluster_of_three_and_reads_back_keys_of_many_slots()
    {
        var options = ConfigurationOptions.Parse(cluster.Nodes[1].Endpoint);
        options.AbortOnConnectFail = true;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var endpoints = redis.GetEndPoints();
        Assert.Equal(3, endpoints.Length);
        Assert.All(endpoints, e => Assert.Equal(ServerType.Cluster, redis.GetServer(e).ServerType));

        var db = redis.GetDatabase();
        var keys = Enumerable.Range(0, 300).Select(i => $"se:{i}").ToArray();
        Assert.True(keys.Select(k => cluster.OwnerOf(k)).Distinct().Count() == 3, "the keys span every node");
        foreach (var key in keys)
        {
            Assert.True(await db.StringSetAsync(key, key + "!"));
        }

        foreach (var key in keys)
        {
            Assert.Equal(key + "!", (string?)await db.StringGetAsync(key));
        }
    }

    [Fact]
    public async Task Redis_cli_in_cluster_mode_sets_and_gets_keys_owned_by_other_nodes()
    {
        var entry = cluster.Nodes[0];
        var keys = Enumerable.Range(0, 100).Select(i => $"cli:{i}").Where(k => cluster.OwnerOf(k) != entry).Take(5).ToArray();
        Assert.Equal(5, keys.Length);
        foreach (var key in keys)
        {
            Assert.Equal("OK", await RedisCliAsync(entry.Port, "SET", key, "v-" + key));
            Assert.Equal("v-" + key, await RedisCliAsync(entry.Port, "GET", key));

            // The value lives on the key's owner, not on the node redis-cli first asked.
            await using var owner = await cluster.OwnerOf(key).ConnectAsync();
            var value = "v-" + key;
            Assert.Equal($"${value.Length}\r\n{value}\r\n", await owner.CallAsync("GET", key));
        }
    }

    [Fact]
    public async Task Plain_redis_cli_on_any_node_reaches_keys_every_node_owns()
    {
        var keys = Enumerable.Range(0, 200).Select(i => $"plain:{i}").ToArray();
        foreach (var (node, i) in cluster.Nodes.Select((n, i) => (n, i)))
        {
            // Keys owned by the other nodes, written and read without -c: the node forwards them.
            foreach (var key in keys.Where(k => cluster.OwnerOf(k) != node).Skip(i * 3).Take(3))
            {
                Assert.Equal("OK", await RedisCliAsync(node.Port, false, "SET", key, "v-" + key));
                foreach (var reader in cluster.Nodes)
                {
                    Assert.Equal("v-" + key, await RedisCliAsync(reader.Port, false, "GET", key));
                }
            }
        }
    }

    private static Task<string> RedisCliAsync(int port, params string[] args) => RedisCliAsync(port, true, args);

    private static async Task<string> RedisCliAsync(int port, bool clusterMode, params string[] args)
    {
        var psi = new ProcessStartInfo("redis-cli")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (clusterMode ? new[] { "-c" } : []).Concat(["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]).Concat(args))
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return (await stdout).TrimEnd('\n');
    }
}
