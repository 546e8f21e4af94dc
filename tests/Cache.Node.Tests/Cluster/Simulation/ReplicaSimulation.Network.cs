namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>The simulated network: lossy one-way messages for replication, request and reply for repair.</summary>
internal sealed partial class ReplicaSimulation
{
    private static readonly TimeSpan RpcTimeout = TimeSpan.FromSeconds(2);

    private bool Partitioned(SimReplica a, SimReplica b) =>
        _side != 0 && ((_side >> Nodes.IndexOf(a)) & 1) != ((_side >> Nodes.IndexOf(b)) & 1);

    /// <summary>A one-way message; <paramref name="lossy"/> ones obey the drop, duplicate and delay settings.</summary>
    private void Send(SimReplica from, SimReplica to, Action<SimReplica> deliver, bool lossy, int? incarnation = null)
    {
        if (from.Down || (lossy && _random.Next(100) < _dropPercent))
        {
            return;
        }

        var life = incarnation ?? to.Incarnation;
        var copies = lossy && _random.Next(100) < _duplicatePercent ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = lossy ? _random.Next(0, _maxDelayMs + 1) : _random.Next(1, 4);
            Clock.Schedule(TimeSpan.FromMilliseconds(delay), () =>
            {
                if (!Partitioned(from, to))
                {
                    RunOn(to, life, deliver);
                }
            });
        }
    }

    /// <summary>Runs on a node's current life: lost if it died or restarted since, held while it is paused.</summary>
    private static void RunOn(SimReplica node, int life, Action<SimReplica> action)
    {
        if (node.Down || node.Incarnation != life)
        {
            return;
        }

        if (node.Paused)
        {
            node.Held.Add(() => RunOn(node, life, action));
            return;
        }

        action(node);
    }

    /// <summary>Fails a call: at once when the asker died or restarted (its task ends), when it resumes if it is paused.</summary>
    private static void TimeOut<T>(SimReplica from, int life, TaskCompletionSource<T> reply, TimeoutException timedOut)
    {
        if (from.Down || from.Incarnation != life || !from.Paused)
        {
            reply.TrySetException(timedOut);
            return;
        }

        from.Held.Add(() => TimeOut(from, life, reply, timedOut));
    }

    /// <summary>Runs what reached a node while it was paused: delivered if it lives on, lost (or failed, for its own calls) if it died.</summary>
    private static void ReleaseHeld(SimReplica node)
    {
        var held = node.Held.ToArray();
        node.Held.Clear();
        foreach (var action in held)
        {
            action();
        }
    }

    /// <summary>A request and its reply (TCP-like: lost only across a partition, to a dead node, or by timeout).</summary>
    public Task<T> Call<T>(SimReplica from, SimReplica to, Func<SimReplica, T> handle, Action<SimReplica, T>? onReply = null)
    {
        // Continuations run inline, on the clock's thread: the simulation stays deterministic.
        var reply = new TaskCompletionSource<T>();
        var life = from.Incarnation;
        Send(from, to, target =>
        {
            T result;
            using (target.Keys.Enter())
            {
                result = handle(target);
            }

            Send(target, from, requester =>
            {
                if (!reply.Task.IsCompleted)
                {
                    onReply?.Invoke(requester, result);
                    reply.TrySetResult(result);
                }
            }, lossy: false, incarnation: life);
        }, lossy: false);
        Clock.Schedule(RpcTimeout, () => TimeOut(from, life, reply, new TimeoutException($"{to} did not answer {from}")));
        return reply.Task;
    }
}
