using System.Threading.Channels;
using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// StackExchange.Redis 2.8 has no client-side caching API of its own, so this drives Redis'
/// RESP2 scheme with its ordinary pieces: the multiplexer's subscription connection subscribes
/// to __redis__:invalidate, its interactive connection turns tracking on with REDIRECT to it,
/// and a write from another multiplexer arrives as a message naming the key read.
/// </summary>
public sealed class StackExchangeRedisTrackingTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public Task DisposeAsync() => _node.DisposeAsync().AsTask();

    [Fact]
    public async Task Invalidations_reach_the_multiplexers_subscription_connection_through_redirect()
    {
        await using var reader = await ConnectAsync("se-tracking-reader");
        await using var writer = await ConnectAsync("se-tracking-writer");
        var invalidations = Channel.CreateUnbounded<string>();
        await reader.GetSubscriber().SubscribeAsync(RedisChannel.Literal("__redis__:invalidate"), (_, value) => invalidations.Writer.TryWrite(value.ToString()));

        var server = reader.GetServer(_node.Endpoint);
        var clients = await server.ClientListAsync();
        var subscription = Assert.Single(clients, c => c.Name == "se-tracking-reader" && c.SubscriptionCount > 0);
        var db = reader.GetDatabase();
        Assert.Equal("OK", (await db.ExecuteAsync("CLIENT", "TRACKING", "ON", "REDIRECT", subscription.Id)).ToString());
        Assert.Equal(subscription.Id, (long)await db.ExecuteAsync("CLIENT", "GETREDIR"));

        await writer.GetDatabase().StringSetAsync("se:key", "1");
        Assert.Equal("1", (string?)await db.StringGetAsync("se:key"));
        await writer.GetDatabase().StringSetAsync("se:key", "2");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var message = await invalidations.Reader.ReadAsync(timeout.Token);
        Assert.Contains("se:key", message, StringComparison.Ordinal);
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(string name)
    {
        var options = ConfigurationOptions.Parse(_node.Endpoint);
        options.Protocol = RedisProtocol.Resp2;
        options.ClientName = name;
        options.AllowAdmin = true;
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 10_000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }
}
