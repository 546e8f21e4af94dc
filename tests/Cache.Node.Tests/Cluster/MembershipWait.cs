using Cache.Gossip;

namespace Cache.Node.Tests.Cluster;

/// <summary>Awaits a membership condition by listening to membership events (no polling sleeps).</summary>
internal static class MembershipWait
{
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
