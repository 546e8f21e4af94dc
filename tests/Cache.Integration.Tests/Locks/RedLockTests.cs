using Cache.Integration.Tests.Infrastructure;
using Cache.Node.Tests.Infrastructure;
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

    [Fact]
    public async Task Over_three_independent_nodes_the_lock_keeps_its_quorum_when_one_stops()
    {
        // The Redlock algorithm proper: a majority of unrelated masters, each holding a copy of the lock.
        var masters = new List<TestNode>();
        var connections = new List<ConnectionMultiplexer>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                masters.Add(await TestNode.StartAsync());
                // A stopped master must fail fast (not queue until the sync timeout), or every extension misses its validity.
                var options = Redis.Options([masters[i]]);
                options.BacklogPolicy = BacklogPolicy.FailFast;
                connections.Add(await ConnectionMultiplexer.ConnectAsync(options));
            }

            using var factory = RedLockFactory.Create(connections.Select(c => new RedLockMultiplexer(c)).ToList(), new RedLockRetryConfiguration(retryCount: 1, retryDelayMs: 10));
            var resource = $"quorum:{Guid.NewGuid():N}";
            var expiry = TimeSpan.FromMilliseconds(600);
            await using var held = await factory.CreateLockAsync(resource, expiry);
            Assert.True(held.IsAcquired, held.Status.ToString());
            foreach (var connection in connections)
            {
                Assert.Equal(held.LockId, (string?)await connection.GetDatabase().StringGetAsync($"redlock:{resource}"));
            }

            var stopped = masters[2];
            masters.Remove(stopped);
            await stopped.DisposeAsync();
            var count = held.ExtendCount;
            await Wait.UntilAsync(() => held.ExtendCount >= count + 2, "two extensions with two masters of three");
            Assert.True(held.IsAcquired);
            await using (var contender = await factory.CreateLockAsync(resource, expiry))
            {
                Assert.False(contender.IsAcquired);
            }

            await held.DisposeAsync();
            Assert.False(await connections[0].GetDatabase().KeyExistsAsync($"redlock:{resource}"));
            Assert.False(await connections[1].GetDatabase().KeyExistsAsync($"redlock:{resource}"));
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            foreach (var master in masters)
            {
                await master.DisposeAsync();
            }
        }
    }
}
