using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Cluster;

/// <summary>
/// Two nodes in this process, so every slot has two copies and a write needs the other node's
/// acknowledgement: the smallest cluster where replication and forwarding run both ways.
/// </summary>
public sealed class ClusterReviewTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly List<TestNode> _nodes = [];

    public async Task InitializeAsync()
    {
        // Long enough that a stall shows as NOREPLICAS/TRYAGAIN, not as a slow machine.
        var seed = await TestNode.StartAsync(o => o.ReplicationTimeout = 8000);
        _nodes.Add(seed);
        _nodes.Add(await TestNode.StartAsync(o =>
        {
            o.ReplicationTimeout = 8000;
            o.Join = seed.Server.Cluster!.Gossip.Address;
        }));

        foreach (var node in _nodes)
        {
            await MembershipWait.RingAsync(node.Server.Cluster!, 2, Timeout);
        }

        await _nodes[0].HandOff.WhenIdleAsync(CancellationToken.None);
        await _nodes[1].HandOff.WhenIdleAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    /// <summary>
    /// Clients on both nodes write keys the other node owns. Each node's peer session then holds
    /// forwarded writes that wait for the other node's acknowledgement; when the APPLY shares the
    /// forwarding link it queues behind the other node's own waiting writes, and both wait out
    /// the replication timeout (NOREPLICAS, TRYAGAIN) instead of acknowledging.
    /// </summary>
    [Fact]
    public async Task Writes_forwarded_both_ways_at_once_do_not_wait_on_each_other()
    {
        const int Writes = 400;
        var toSecond = KeysOwnedBy(_nodes[1], "ab", Writes);
        var toFirst = KeysOwnedBy(_nodes[0], "ba", Writes);
        await using var onFirst = await _nodes[0].ConnectAsync();
        await using var onSecond = await _nodes[1].ConnectAsync();

        var started = TimeProvider.System.GetTimestamp();
        var replies = await Task.WhenAll(
            PipelineAsync(onFirst, toSecond),
            PipelineAsync(onSecond, toFirst));
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        var failures = replies.SelectMany(r => r).Where(r => r != "+OK\r\n").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} writes failed after {elapsed.TotalSeconds:0.0} s, first: {failures.FirstOrDefault()}");
    }

    /// <summary>
    /// An MSET whose last key lacks its value, with keys on both nodes, from a plain client: Redis'
    /// arity error, as on one node, and the connection keeps serving (the split used to read past
    /// the request and close it).
    /// </summary>
    [Fact]
    public async Task An_mset_missing_a_value_across_owners_gets_the_arity_error_and_the_connection_serves_on()
    {
        var here = _nodes[0];
        var mine = KeysOwnedBy(here, "odd", 1)[0];
        var theirs = KeysOwnedBy(_nodes[1], "odd", 1)[0];
        await using var client = await here.ConnectAsync();

        Assert.Equal("-ERR wrong number of arguments for 'mset' command\r\n", await client.CallAsync("MSET", mine, "1", theirs));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", mine));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", theirs));
    }

    /// <summary>
    /// WATCH on a key this node owns, then a transaction on keys another node owns: the
    /// transaction is forwarded, and it must still abort when the watched key changed.
    /// </summary>
    [Fact]
    public async Task A_forwarded_transaction_still_honours_a_modified_watched_key()
    {
        var here = _nodes[0];
        var watched = KeysOwnedBy(here, "watched", 1)[0];
        var remote = KeysOwnedBy(_nodes[1], "txkey", 1)[0];
        await using var client = await here.ConnectAsync();
        await using var other = await here.ConnectAsync();

        Assert.Equal("+OK\r\n", await client.CallAsync("WATCH", watched));
        Assert.Equal("+OK\r\n", await other.CallAsync("SET", watched, "changed"));
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", remote, "should-not-happen"));
        Assert.Equal("*-1\r\n", await client.CallAsync("EXEC"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", remote));
    }

    /// <summary>
    /// A transaction bound for another node that EXEC refuses (out of memory) must not leave its
    /// destination behind: the next transaction, on this node's own keys, has to run here.
    /// </summary>
    [Fact]
    public async Task A_refused_forwarded_transaction_does_not_send_the_next_one_to_the_wrong_node()
    {
        var here = _nodes[0];
        var local = KeysOwnedBy(here, "mine", 1)[0];
        var remote = KeysOwnedBy(_nodes[1], "theirs", 1)[0];
        await using var client = await here.ConnectAsync();

        await using var admin = await here.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", remote, "x"));
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "maxmemory", "1"));
        Assert.StartsWith("-EXECABORT", await client.CallAsync("EXEC"));
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "maxmemory", "0"));

        var forwarded = here.Server.Replication!.Stats.Forwarded;
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", local, "here"));
        Assert.Equal("*1\r\n+OK\r\n", await client.CallAsync("EXEC"));
        Assert.Equal(forwarded, here.Server.Replication.Stats.Forwarded);
    }

    private static async Task<List<string>> PipelineAsync(RespTestClient client, IReadOnlyList<string> keys)
    {
        var frame = new List<byte>();
        foreach (var key in keys)
        {
            frame.AddRange(RespTestClient.Encode("SET", key, "v"));
        }

        var send = client.SendRawAsync([.. frame]);
        var replies = new List<string>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            replies.Add(await client.ReadReplyAsync());
        }

        await send;
        return replies;
    }

    private List<string> KeysOwnedBy(TestNode owner, string prefix, int count)
    {
        var ring = owner.Server.Cluster!.Ring;
        var name = owner.Server.Cluster.Gossip.Name;
        var keys = new List<string>(count);
        for (var i = 0; keys.Count < count; i++)
        {
            var key = $"{prefix}:{i}";
            if (ring.PrimaryOf(HashSlot.ForKey(Encoding.UTF8.GetBytes(key)))!.Id == name)
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}
