using System.Collections.Concurrent;
using Cache.Gossip.Ring;
using Cache.Node.Background;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Cache.Node.Tests.Cluster;

/// <summary>A failing ring-change handler is reported and does not stop later rebuilds, nor the other handlers.</summary>
public sealed class RingRebuildTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_handler_that_throws_once_is_reported_and_the_next_membership_change_rebuilds_the_ring()
    {
        await using var first = await TestNode.StartAsync();
        var cluster = first.Server.Cluster!;
        var failures = first.Services.GetRequiredService<BackgroundFailures>();
        var threw = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var later = new ConcurrentQueue<int>();
        var throwOnce = 1;
        void Throwing(SlotMap previous, SlotMap next)
        {
            if (Interlocked.Exchange(ref throwOnce, 0) == 1)
            {
                threw.TrySetResult();
                throw new InvalidOperationException("a ring-change handler fails once");
            }
        }

        // Subscribed after the throwing one: it must hear of the same change.
        void After(SlotMap previous, SlotMap next) => later.Enqueue(next.Nodes.Count);

        cluster.RingChanged += Throwing;
        cluster.RingChanged += After;
        try
        {
            await using var second = await TestNode.StartAsync(o => o.Join = cluster.Gossip.Address);
            await threw.Task.WaitAsync(Timeout);
            await MembershipWait.RingAsync(cluster, 2, Timeout);

            await using var third = await TestNode.StartAsync(o => o.Join = cluster.Gossip.Address);
            await MembershipWait.RingAsync(cluster, 3, Timeout);

            Assert.Equal(3, cluster.Ring.Nodes.Count);
            Assert.Contains(2, later);
            Assert.True(failures.Count >= 1, "the handler's failure was not reported");
        }
        finally
        {
            cluster.RingChanged -= Throwing;
            cluster.RingChanged -= After;
        }
    }
}
