using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// A 3-node cluster serves each command family through any node with the replies one node
/// gives: each script runs through every node as a plain client (so most commands are forwarded
/// to their slot's owner), with its keys under one hash tag, and is compared with a single node.
/// </summary>
public sealed class ClusterSameRepliesTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>, IAsyncLifetime
{
    private TestNode _single = null!;

    public static TheoryData<string> Families => new(Scripts.Keys);

    // "{t}" becomes a hash tag chosen per run, so each run's keys are fresh and in one slot.
    private static readonly Dictionary<string, string[]> Scripts = new()
    {
        ["strings"] =
        [
            "SET {t}a 1", "INCR {t}a", "APPEND {t}a x", "GET {t}a", "MSET {t}b 1 {t}c 2", "MGET {t}a {t}b {t}c", "GETDEL {t}b",
            "SETRANGE {t}c 5 z", "GET {t}c", "STRLEN {t}c", "LCS {t}a {t}c", "COPY {t}a {t}d", "GET {t}d", "OBJECT ENCODING {t}d",
        ],
        ["hashes"] =
        [
            "HSET {t}h f 1 g 2", "HINCRBY {t}h f 5", "HGET {t}h f", "HMGET {t}h f g x", "HDEL {t}h g", "HLEN {t}h", "HSET {t}s f v",
            "HEXISTS {t}h f", "HSTRLEN {t}h f", "TYPE {t}h", "SET {t}str v", "HGET {t}str f", "RENAME {t}h {t}h2", "HGET {t}h2 f",
        ],
        ["keys"] =
        [
            "SET {t}k v", "EXPIRE {t}k 100", "TTL {t}k", "PERSIST {t}k", "TTL {t}k", "EXISTS {t}k {t}nope", "TYPE {t}k", "DEL {t}k",
            "EXISTS {t}k", "SET {t}x 1", "DUMP {t}nope", "RENAMENX {t}x {t}y", "GET {t}y",
        ],
    };

    public async Task InitializeAsync() => _single = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _single.DisposeAsync();

    [Theory]
    [MemberData(nameof(Families))]
    public async Task Every_node_gives_the_replies_of_a_single_node(string family)
    {
        for (var via = 0; via < cluster.Nodes.Count; via++)
        {
            var tag = "{" + family + "-" + via + "-" + Guid.NewGuid().ToString("N")[..8] + "}";
            var commands = Scripts[family].Select(c => c.Replace("{t}", tag, StringComparison.Ordinal).Split(' ')).ToArray();
            var expected = await RunAsync(_single.Port, commands);
            var actual = await RunAsync(cluster.Nodes[via].Port, commands);
            for (var i = 0; i < commands.Length; i++)
            {
                Assert.True(expected[i] == actual[i],
                    $"via node {via} ({(cluster.OwnerOf(tag).Port == cluster.Nodes[via].Port ? "owner" : "forwarded")}): {string.Join(' ', commands[i])}\n  one node: {expected[i]}\n  cluster:  {actual[i]}");
            }
        }
    }

    private static async Task<List<string>> RunAsync(int port, string[][] commands)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        var replies = new List<string>();
        foreach (var command in commands)
        {
            replies.Add(await client.CallAsync(command));
        }

        return replies;
    }
}
