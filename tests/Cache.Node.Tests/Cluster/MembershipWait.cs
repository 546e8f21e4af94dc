using Cache.Gossip;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;

namespace Cache.Node.Tests.Cluster;

/// <summary>Awaits a membership condition by listening to membership events (no polling sleeps).</summary>
internal static class MembershipWait
{
    /// <summary>Waits until the node's published slot map has <paramref name="nodes"/> members.</summary>
    public static async Task RingAsync(ClusterMembership cluster, int nodes, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Changed(SlotMap previous, SlotMap map) => Check(map);
        void Check(SlotMap map)
        {
            if (map.Nodes.Count == nodes)
            {
                reached.TrySetResult();
            }
        }

        cluster.RingChanged += Changed;
        try
        {
            Check(cluster.Ring);
            await reached.Task.WaitAsync(timeout);
        }
        finally
        {
            cluster.RingChanged -= Changed;
        }
    }

    public static async Task UntilAsync(GossipNode node, Func<MembershipSnapshot, bool> condition, TimeSpan timeout, string what)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(object? sender, MembershipEvent e)
        {
            if (condition(node.Members))
            {
                reached.TrySetResult();
            }
        }

        node.MembershipChanged += Check;
        try
        {
            Check(null, null!);
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{node.Name}: not {what} within {timeout.TotalSeconds} s; members: " +
                string.Join(", ", node.Members.Select(m => $"{m.Name}={m.State}")));
        }
        finally
        {
            node.MembershipChanged -= Check;
        }
    }
}
