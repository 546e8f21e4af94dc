using Cache.Integration.Tests.Infrastructure;
using RedLockNet;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace Cache.Integration.Tests.Locks;

/// <summary>RedLock.net as shipped: SET NX PX to take the lock, EVAL scripts to extend and release it.</summary>
public sealed class RedLockTests(NodesFixture nodes) : IClassFixture<NodesFixture>
{
    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_lock_is_acquired_contended_extended_past_its_expiry_and_released(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        var db = redis.GetDatabase();
        using var factory = RedLockFactory.Create([new RedLockMultiplexer(redis)], new RedLockRetryConfiguration(retryCount: 1, retryDelayMs: 10));
        var resource = $"redlock-test:{topology}:{Guid.NewGuid():N}";
        var key = $"redlock:{resource}";
        var expiry = TimeSpan.FromMilliseconds(600);

        await using var held = await factory.CreateLockAsync(resource, expiry);
        Assert.True(held.IsAcquired, held.Status.ToString());
        Assert.Equal(held.LockId, (string?)await db.StringGetAsync(key));

        await using (var contender = await factory.CreateLockAsync(resource, expiry))
        {
            Assert.False(contender.IsAcquired);
            Assert.Equal(RedLockStatus.Conflicted, contender.Status);
        }

        // RedLock extends every half expiry; three extensions carry the lock past its first expiry.
        await Wait.UntilAsync(() => held.ExtendCount >= 3, "three extensions of the lock");
        Assert.True(held.IsAcquired);
        Assert.Equal(held.LockId, (string?)await db.StringGetAsync(key));
        await using (var contender = await factory.CreateLockAsync(resource, expiry, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(30)))
        {
            Assert.False(contender.IsAcquired);
        }

        await held.DisposeAsync();
        Assert.False(await db.KeyExistsAsync(key));
        await using var next = await factory.CreateLockAsync(resource, expiry);
        Assert.True(next.IsAcquired);
        Assert.NotEqual(held.LockId, next.LockId);
    }
}
