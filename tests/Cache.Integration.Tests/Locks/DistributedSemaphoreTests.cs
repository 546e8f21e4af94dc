using Cache.Integration.Tests.Infrastructure;
using Medallion.Threading.Redis;

namespace Cache.Integration.Tests.Locks;

/// <summary>DistributedLock.Redis' semaphore (a sorted set with TIME inside its script) and reader-writer lock (two keys in one script).</summary>
public sealed class DistributedSemaphoreTests(NodesFixture nodes) : IClassFixture<NodesFixture>
{
    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task A_semaphore_grants_its_count_refuses_the_next_and_grants_again_on_release(string topology)
    {
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        var semaphore = new RedisDistributedSemaphore($"sem:{topology}:{Guid.NewGuid():N}", 2, redis.GetDatabase());

        var first = await semaphore.TryAcquireAsync();
        await using var second = await semaphore.TryAcquireAsync();
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(await semaphore.TryAcquireAsync());
        Assert.Equal(0, await semaphore.GetCurrentCountAsync());

        var waiting = semaphore.TryAcquireAsync(TimeSpan.FromSeconds(5)).AsTask();
        await first.DisposeAsync();
        await using var third = await waiting;
        Assert.NotNull(third);
    }

    [Theory]
    [InlineData("node")]
    [InlineData("cluster")]
    public async Task Readers_share_the_lock_and_a_writer_waits_for_them(string topology)
    {
        // Its keys are name.readers and name.writer, used by one script. A node is always a
        // cluster (of one here), so as on Redis Cluster a hash tag keeps them in one slot;
        // StackExchange.Redis refuses the cross-slot script before sending it otherwise.
        await using var redis = await Redis.ConnectAsync(nodes.Of(topology));
        var name = $"{{rw-{Guid.NewGuid():N}}}:{topology}";
        var rw = new RedisDistributedReaderWriterLock(name, redis.GetDatabase());

        var reader1 = await rw.TryAcquireReadLockAsync();
        var reader2 = await rw.TryAcquireReadLockAsync();
        Assert.NotNull(reader1);
        Assert.NotNull(reader2);
        Assert.Null(await rw.TryAcquireWriteLockAsync());

        await reader1.DisposeAsync();
        await reader2.DisposeAsync();
        await using (var writer = await rw.TryAcquireWriteLockAsync(TimeSpan.FromSeconds(5)))
        {
            Assert.NotNull(writer);
            Assert.Null(await rw.TryAcquireReadLockAsync());
        }

        await using var reader3 = await rw.TryAcquireReadLockAsync();
        Assert.NotNull(reader3);
    }
}
