using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands.Introspection;

/// <summary>OBJECT IDLETIME counts seconds on the node's clock; reads and TOUCH reset it, TTL TYPE EXISTS OBJECT do not.</summary>
public sealed class IdleTimeTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));

    [Fact]
    public async Task Introspection_leaves_the_access_time_alone_and_reads_and_touch_reset_it()
    {
        await using var node = await TestNode.StartAsync(time: _time);
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "foo", "bar"));
        _time.Advance(TimeSpan.FromSeconds(5));
        await client.CallAsync("TTL", "foo");
        await client.CallAsync("PTTL", "foo");
        await client.CallAsync("TYPE", "foo");
        await client.CallAsync("EXISTS", "foo");
        await client.CallAsync("OBJECT", "ENCODING", "foo");
        Assert.Equal(":5\r\n", await client.CallAsync("OBJECT", "IDLETIME", "foo"));

        await client.CallAsync("GET", "foo");
        Assert.Equal(":0\r\n", await client.CallAsync("OBJECT", "IDLETIME", "foo"));

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(":3\r\n", await client.CallAsync("OBJECT", "IDLETIME", "foo"));
        Assert.Equal(":1\r\n", await client.CallAsync("TOUCH", "foo", "missing"));
        Assert.Equal(":0\r\n", await client.CallAsync("OBJECT", "IDLETIME", "foo"));
        Assert.Equal("$-1\r\n", await client.CallAsync("OBJECT", "IDLETIME", "missing"));
    }

    [Fact]
    public void The_lru_clock_is_seconds_and_eviction_still_prefers_the_older_access()
    {
        var keys = new KeySpace(_time) { Policy = EvictionPolicy.AllKeysLru, EvictionSamples = 10 };
        for (var i = 0; i < 200; i++)
        {
            keys.SetString(System.Text.Encoding.ASCII.GetBytes($"cold:{i}"), new byte[64]);
        }

        _time.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 200; i++)
        {
            keys.SetString(System.Text.Encoding.ASCII.GetBytes($"hot:{i}"), new byte[64]);
        }

        ref var cold = ref keys.Lookup("cold:0"u8, touch: false);
        Assert.Equal(10, keys.IdleSeconds(cold));
        keys.MaxMemory = keys.UsedMemory - 5_000;
        while (keys.UsedMemory > keys.MaxMemory)
        {
            Assert.True(keys.EnsureMemory());
        }

        var hotLeft = Enumerable.Range(0, 200).Count(i => keys.Exists(System.Text.Encoding.ASCII.GetBytes($"hot:{i}")));
        Assert.True(hotLeft > 190, $"{hotLeft} of 200 recent keys left");
    }
}
