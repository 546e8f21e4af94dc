using Cache.Integration.Tests.Infrastructure;
using Medallion.Threading.Redis;
using StackExchange.Redis;

namespace Cache.Integration.Tests.Locks;

/// <summary>DistributedLock.Redis (Medallion) as shipped: SET NX PX to take the lock, scripts to extend and release it.</summary>
public sealed class DistributedLockTests(NodesFixture nodes) : IClassFixture<NodesFixture>
{
    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_lock_is_acquired_contended_extended_and_released(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        var db = redis.GetDatabase();
        var key = $"medallion:{topology}:{Guid.NewGuid():N}";
        // Room for a loaded machine: the lock must not lapse between extensions while tests run in parallel.
        var expiry = TimeSpan.FromSeconds(3);
        void Options(RedisDistributedSynchronizationOptionsBuilder o) => o.Expiry(expiry).ExtensionCadence(TimeSpan.FromMilliseconds(300)).BusyWaitSleepTime(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(20));
        var first = new RedisDistributedLock(key, db, Options);
        var second = new RedisDistributedLock(key, db, Options);

        var handle = await first.TryAcquireAsync();
        Assert.NotNull(handle);
        var token = (string?)await db.StringGetAsync(key);
        Assert.False(string.IsNullOrEmpty(token));

        // A second owner that does not wait fails; one that waits briefly times out.
        Assert.Null(await second.TryAcquireAsync());
        Assert.Null(await second.TryAcquireAsync(TimeSpan.FromMilliseconds(100)));

        // The holder's background extension (a script) pushes the key's expiry back up.
        var ttl = await db.KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        await Wait.UntilAsync(async () => await db.KeyTimeToLiveAsync(key) is { } now && now > ttl.Value, "the lock's expiry to be extended");
        Assert.False(handle.HandleLostToken.IsCancellationRequested);
        Assert.Equal(token, (string?)await db.StringGetAsync(key));
        Assert.Null(await second.TryAcquireAsync());

        // Release (a compare-and-delete script) frees the lock for the waiting owner.
        var waiting = second.TryAcquireAsync(TimeSpan.FromSeconds(5)).AsTask();
        await handle.DisposeAsync();
        await using var next = await waiting;
        Assert.NotNull(next);
        Assert.NotEqual(token, (string?)await db.StringGetAsync(key));
        await next.DisposeAsync();
        Assert.False(await db.KeyExistsAsync(key));
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_release_by_a_stale_owner_leaves_the_new_owners_lock_alone(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        var db = redis.GetDatabase();
        var key = $"medallion-stale:{topology}:{Guid.NewGuid():N}";
        var first = new RedisDistributedLock(key, db);
        var handle = await first.TryAcquireAsync();
        Assert.NotNull(handle);

        // Someone else takes the key over (as after an expiry); the old holder's release must not delete it.
        await db.StringSetAsync(key, "someone-else");
        await handle.DisposeAsync();
        Assert.Equal("someone-else", (string?)await db.StringGetAsync(key));
    }
}
