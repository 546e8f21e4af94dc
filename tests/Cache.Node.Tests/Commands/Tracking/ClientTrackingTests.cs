using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands.Tracking;

/// <summary>
/// What the differential tests cannot pin down: the bound of tracking-table-max-keys (the keys
/// dropped are invalidated), a key whose TTL passes on the node's clock, and the tracker leaving
/// the key space's observers once nobody tracks, so writes pay nothing for it.
/// </summary>
public sealed class ClientTrackingTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));

    [Fact]
    public async Task Keys_past_tracking_table_max_keys_are_dropped_with_an_invalidation_before_the_next_reply()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HELLO", "3");
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "tracking-table-max-keys", "2"));
        Assert.Equal("%1\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n2\r\n", await client.CallAsync("CONFIG", "GET", "tracking-table-max-keys"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "TRACKING", "ON"));
        await client.CallAsync("MGET", "k1", "k2", "k3", "k4", "k5");

        await client.SendAsync("PING");
        var pushes = new List<string>();
        while (await client.ReadReplyAsync() is var frame && frame != "+PONG\r\n")
        {
            pushes.Add(frame);
        }

        Assert.Equal(3, pushes.Count);
        Assert.All(pushes, p => Assert.StartsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk", p, StringComparison.Ordinal));
        Assert.Equal(2, node.Server.Tracking.KeyCount);
        Assert.Contains("tracking_total_keys:2\r\n", await client.CallAsync("INFO", "stats"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tracked_key_whose_ttl_passes_on_the_node_clock_is_invalidated_once()
    {
        await using var node = await TestNode.StartAsync(time: _time);
        await using var client = await node.ConnectAsync();
        await client.CallAsync("HELLO", "3");
        Assert.Equal("+OK\r\n", await client.CallAsync("CLIENT", "TRACKING", "ON"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "ttl", "v", "PX", "100"));
        Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", "ttl"));
        _time.Advance(TimeSpan.FromSeconds(1));

        // The active sweep (before the GET) or the GET itself (then after its reply) expires it: one push either way.
        await client.SendAsync("GET", "ttl");
        string[] frames = [await client.ReadReplyAsync(), await client.ReadReplyAsync()];
        Assert.Equal([">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nttl\r\n", "_\r\n"], frames.Order(StringComparer.Ordinal));
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
    }

    [Fact]
    public async Task The_tracker_observes_the_key_space_only_while_a_client_tracks_or_a_key_is_remembered()
    {
        await using var node = await TestNode.StartAsync();
        await using var tracking = await node.ConnectAsync();
        await using var writer = await node.ConnectAsync();
        Assert.False(node.Server.Tracking.IsObserving);

        Assert.Equal("+OK\r\n", await tracking.CallAsync("CLIENT", "TRACKING", "ON"));
        Assert.True(node.Server.Tracking.IsObserving);
        await tracking.CallAsync("GET", "k");
        Assert.Equal("+OK\r\n", await tracking.CallAsync("CLIENT", "TRACKING", "OFF"));
        // As Redis, the key stays remembered until it changes, so the tracker still looks.
        Assert.True(node.Server.Tracking.IsObserving);

        Assert.Equal("+OK\r\n", await writer.CallAsync("SET", "k", "v"));
        Assert.False(node.Server.Tracking.IsObserving);
        Assert.Equal(0, node.Server.Tracking.KeyCount);
    }
}
