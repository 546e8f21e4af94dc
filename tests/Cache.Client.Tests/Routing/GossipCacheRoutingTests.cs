using System.Diagnostics;
using System.Net;
using Cache.Client.Caching;
using Cache.Client.Tests.Resp;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace Cache.Client.Tests.Routing;

/// <summary>
/// Routing, redirects, failover and bounded failure, with real nodes and scripted seeds (whose
/// CLUSTER RING describes the cluster the test wants). Tests against a real 3-node cluster come
/// once the nodes answer CLUSTER RING themselves.
/// </summary>
public sealed class GossipCacheRoutingTests
{
    private static readonly DistributedCacheEntryOptions Forever = new();

    private static GossipCache Create(string seeds, int timeoutMs = 5000) =>
        new(Options.Create(new GossipCacheOptions { Seeds = seeds, CommandTimeout = TimeSpan.FromMilliseconds(timeoutMs), ConnectTimeout = TimeSpan.FromMilliseconds(timeoutMs) }));

    [Fact]
    public async Task With_every_node_gone_a_call_fails_clearly_after_the_timeout()
    {
        var seeds = $"127.0.0.1:{RingScript.DeadPort()},127.0.0.1:{RingScript.DeadPort()}";
        await using var cache = Create(seeds, timeoutMs: 500);
        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<GossipCacheUnavailableException>(() => cache.GetAsync("k"));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(3));
        Assert.Contains("within 500 ms (CommandTimeout)", ex.Message, StringComparison.Ordinal);
        Assert.Contains(seeds.Split(',')[1], ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<TimeoutException>(ex);
        Assert.Throws<GossipCacheUnavailableException>(() => cache.Set("k", [1], Forever));
    }

    [Fact]
    public async Task A_silent_node_cannot_hang_a_call()
    {
        await using var silent = new ScriptedServer(_ => null);
        await using var cache = Create(((IPEndPoint)silent.Endpoint).ToString(), timeoutMs: 400);
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAsync<GossipCacheUnavailableException>(() => cache.SetAsync("k", [1], Forever));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_node_that_comes_back_is_used_again()
    {
        var node = await TestNode.StartAsync();
        var port = node.Port;
        await using var cache = Create(node.Endpoint, timeoutMs: 500);
        await cache.SetAsync("k", [1], Forever);
        await node.DisposeAsync();
        await Assert.ThrowsAsync<GossipCacheUnavailableException>(() => cache.GetAsync("k"));

        await using var again = await TestNode.StartAsync(o => o.Port = port);

        // The client may still be inside the back-off of its last refused connect: it must come back to the node within seconds.
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (true)
        {
            try
            {
                await cache.SetAsync("k", [2], Forever);
                break;
            }
            catch (GossipCacheUnavailableException) when (TimeProvider.System.GetUtcNow() < deadline)
            {
            }
        }

        Assert.Equal([2], await cache.GetAsync("k"));
    }

    [Fact]
    public async Task MOVED_is_followed_to_the_node_it_names()
    {
        await using var node = await TestNode.StartAsync();
        await using (var raw = await node.ConnectAsync())
        {
            await raw.CallAsync("SET", "k", "plain");
        }

        // A seed without a ring (as nodes before CLUSTER RING) that redirects the key to the real node.
        // Its requests: 0 and 1 the handshake (CLUSTER MYID, READONLY), 2 CLUSTER RING, 3 the GET.
        await using var seed = new ScriptedServer(n => n == 3 ? $"-MOVED 12539 {node.Endpoint}\r\n" : "-ERR unknown subcommand 'RING'. Try CLUSTER HELP.\r\n");
        await using var cache = Create(((IPEndPoint)seed.Endpoint).ToString());
        Assert.Equal("plain"u8.ToArray(), await cache.GetAsync("k"));
    }

    [Fact]
    public async Task A_dead_primary_fails_over_to_the_next_owner()
    {
        await using var node = await TestNode.StartAsync();
        var dead = $"127.0.0.1:{RingScript.DeadPort()}";
        var ring = RingScript.Reply(2, ("a", dead), ("b", node.Endpoint));
        await using var seed = new ScriptedServer(_ => ring);
        var key = RingScript.KeyOwnedBy(RingScript.Map(2, "a", "b"), "a");
        await using (var raw = await node.ConnectAsync())
        {
            await raw.CallAsync("SET", key, "copy");
        }

        await using var cache = Create(((IPEndPoint)seed.Endpoint).ToString());
        var clock = Stopwatch.StartNew();
        Assert.Equal("copy"u8.ToArray(), await cache.GetAsync(key));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"failover took {clock.Elapsed}");
    }

    [Fact]
    public async Task Each_key_goes_to_its_primary()
    {
        await using var first = await TestNode.StartAsync();
        await using var second = await TestNode.StartAsync();
        var ring = RingScript.Reply(1, ("a", first.Endpoint), ("b", second.Endpoint));
        await using var seed = new ScriptedServer(_ => ring);
        var map = RingScript.Map(1, "a", "b");
        await using var cache = new GossipCache(Options.Create(new GossipCacheOptions { Seeds = ((IPEndPoint)seed.Endpoint).ToString(), InstanceName = "r:" }));
        var keys = Enumerable.Range(0, 40).Select(i => "user" + i).ToArray();
        foreach (var key in keys)
        {
            await cache.SetAsync(key, [1], Forever);
        }

        await using var rawFirst = await first.ConnectAsync();
        await using var rawSecond = await second.ConnectAsync();
        foreach (var key in keys)
        {
            var onFirst = map.PrimaryOf(Cache.Gossip.Ring.HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes("r:" + key)))!.Id == "a";
            Assert.Equal(onFirst ? ":1\r\n" : ":0\r\n", await rawFirst.CallAsync("EXISTS", "r:" + key));
            Assert.Equal(onFirst ? ":0\r\n" : ":1\r\n", await rawSecond.CallAsync("EXISTS", "r:" + key));
        }
    }
}
