using System.Threading.RateLimiting;
using Cache.Integration.Tests.Infrastructure;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Cache.Integration.Tests.RateLimiting;

/// <summary>RedisRateLimiting as shipped: each limiter is a Lua script over hash-tagged keys (one slot per partition).</summary>
public sealed class RedisRateLimitingTests(NodesFixture nodes) : IClassFixture<NodesFixture>
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_fixed_window_refuses_the_request_past_its_limit(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        await using var limiter = new RedisFixedWindowRateLimiter<string>(Partition("fw", topology), new RedisFixedWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = 3,
            Window = Window,
        });

        await AssertLimitAsync(limiter, 3);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_sliding_window_refuses_the_request_past_its_limit(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        await using var limiter = new RedisSlidingWindowRateLimiter<string>(Partition("sw", topology), new RedisSlidingWindowRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = 4,
            Window = Window,
        });

        await AssertLimitAsync(limiter, 4);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_token_bucket_refuses_the_request_once_empty(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        await using var limiter = new RedisTokenBucketRateLimiter<string>(Partition("tb", topology), new RedisTokenBucketRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            TokenLimit = 2,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = Window,
        });

        await AssertLimitAsync(limiter, 2);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_concurrency_limiter_refuses_past_its_permits_and_grants_again_on_release(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        await using var limiter = new RedisConcurrencyRateLimiter<string>(Partition("cc", topology), new RedisConcurrencyRateLimiterOptions
        {
            ConnectionMultiplexerFactory = () => redis,
            PermitLimit = 2,
            QueueLimit = 0,
        });

        using var first = await limiter.AcquireAsync();
        using var second = await limiter.AcquireAsync();
        Assert.True(first.IsAcquired);
        Assert.True(second.IsAcquired);
        using (var third = await limiter.AcquireAsync())
        {
            Assert.False(third.IsAcquired);
        }

        // A released permit (ZREM in the leased set) is granted to the next request.
        second.Dispose();
        await Wait.UntilAsync(
            async () =>
            {
                using var again = await limiter.AcquireAsync();
                return again.IsAcquired;
            },
            "a permit after the release");
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task Partitions_are_limited_independently(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        var options = new RedisFixedWindowRateLimiterOptions { ConnectionMultiplexerFactory = () => redis, PermitLimit = 1, Window = Window };
        var partitions = Enumerable.Range(0, 6).Select(i => new RedisFixedWindowRateLimiter<string>(Partition($"part{i}", topology), options)).ToList();
        foreach (var limiter in partitions)
        {
            await AssertLimitAsync(limiter, 1);
            await limiter.DisposeAsync();
        }
    }

    private static string Partition(string kind, string topology) => $"{kind}-{topology}-{Guid.NewGuid():N}";

    private static async Task AssertLimitAsync(RateLimiter limiter, int permits)
    {
        for (var i = 0; i < permits; i++)
        {
            using var lease = await limiter.AcquireAsync();
            Assert.True(lease.IsAcquired, $"request {i + 1} of {permits}");
        }

        using var refused = await limiter.AcquireAsync();
        Assert.False(refused.IsAcquired, $"request {permits + 1} of a limit of {permits}");
    }
}
