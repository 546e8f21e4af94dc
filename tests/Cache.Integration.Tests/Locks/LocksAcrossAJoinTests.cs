using Cache.Integration.Tests.Infrastructure;
using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;
using RedLockNet;
using RedLockNet.SERedis;
using RedLockNet.SERedis.Configuration;
using StackExchange.Redis;

namespace Cache.Integration.Tests.Locks;

/// <summary>Locks held while a fourth node joins: slots (and lock keys with their expiry) move, and the client follows MOVED.</summary>
public sealed class LocksAcrossAJoinTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Held_locks_stay_exclusive_extendable_and_releasable_after_their_slots_move()
    {
        // RedLock.net extends synchronously on timer threads (Parallel.ForEach over blocking
        // ScriptEvaluate calls). With the nodes in this process, 24 such timers take every pool
        // thread the nodes need to answer them and the extensions time out; in a deployment the
        // cache runs in its own process. More pool threads up front stand in for that.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        var nodes = await TestCluster.StartAsync(3);
        try
        {
            await using var redis = await Redis.ConnectAsync(nodes);
            var db = redis.GetDatabase();
            using var factory = RedLockFactory.Create([new RedLockMultiplexer(redis)], new RedLockRetryConfiguration(retryCount: 1, retryDelayMs: 10));
            var expiry = TimeSpan.FromMilliseconds(900);
            var resources = Enumerable.Range(0, 24).Select(i => $"join-lock:{i}:{Guid.NewGuid():N}").ToArray();
            var locks = new List<IRedLock>();
            foreach (var resource in resources)
            {
                var held = await factory.CreateLockAsync(resource, expiry);
                Assert.True(held.IsAcquired, $"{resource}: {held.Status}");
                locks.Add(held);
            }

            var owners = resources.Select(r => OwnerOf(nodes, $"redlock:{r}")).ToArray();
            nodes.Add(await TestNode.StartAsync(o => o.Join = nodes[0].Server.Cluster!.Gossip.Address));
            foreach (var node in nodes)
            {
                await MembershipWait.RingAsync(node.Server.Cluster!, 4, Timeout);
            }

            foreach (var node in nodes)
            {
                await node.HandOff.WhenIdleAsync(CancellationToken.None);
            }

            var moved = resources.Where((r, i) => OwnerOf(nodes, $"redlock:{r}") != owners[i]).ToArray();
            Assert.NotEmpty(moved);

            // Every lock keeps its holder's token on its new owner, and extensions go on there.
            var counts = locks.Select(l => l.ExtendCount).ToArray();
            await Wait.UntilAsync(() => locks.Select((l, i) => l.ExtendCount >= counts[i] + 2).All(x => x), "two more extensions of every lock");

            for (var i = 0; i < locks.Count; i++)
            {
                Assert.True(locks[i].IsAcquired, $"{resources[i]}: {locks[i].Status}");
                Assert.Equal(locks[i].LockId, TestCluster.ValueOn(OwnerOf(nodes, $"redlock:{resources[i]}"), $"redlock:{resources[i]}"));
                await using var contender = await factory.CreateLockAsync(resources[i], expiry);
                Assert.False(contender.IsAcquired, resources[i]);
            }

            foreach (var held in locks)
            {
                await held.DisposeAsync();
            }

            foreach (var resource in resources)
            {
                Assert.False(await db.KeyExistsAsync($"redlock:{resource}"), resource);
            }
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    private static TestNode OwnerOf(List<TestNode> nodes, string key)
    {
        var ring = nodes[0].Server.Cluster!.Ring;
        var owner = ring.PrimaryOf(Cache.Gossip.Ring.HashSlot.ForKey(System.Text.Encoding.UTF8.GetBytes(key)))!.Id;
        return nodes.Single(n => n.Server.Cluster!.Gossip.Name == owner);
    }
}
