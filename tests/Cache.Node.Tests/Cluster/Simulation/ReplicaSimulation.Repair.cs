using Cache.Gossip.Ring;
using Cache.Node.Cluster;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>Ring changes, hand-off and anti-entropy in the simulation, each as the server runs it.</summary>
internal sealed partial class ReplicaSimulation
{
    private static readonly TimeSpan AntiEntropyInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ExpiryCycle = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LeaveBudget = TimeSpan.FromSeconds(10);
    private int _ringGeneration;
    private int _handOffs;

    /// <summary>Unexpected exceptions from background work (hand-off, anti-entropy); the checks require none.</summary>
    public List<string> Errors { get; } = [];

    private void RestartEmpty(SimReplica node)
    {
        node.Wipe();
        (node.Down, node.Paused) = (false, false);
        ReleaseHeld(node);
        node.SeenRing = null;
        StartHandOff(node);
    }

    private void Join(SimReplica node)
    {
        node.Wipe();
        (node.Down, node.Paused) = (false, false);
        ReleaseHeld(node);
        node.SeenRing = null;
        Members.Add(node);
        ChangeRing();
    }

    /// <summary>A running node pushes what the others will need (one attempt, within a budget) and goes; a dead one is just removed.</summary>
    private void Leave(SimReplica node)
    {
        if (node.CanAct)
        {
            var pushes = HandOffPlan.BeforeLeave(Ring, node.Id, Replicas)
                .Select(p => PushOnceAsync(node, NodeNamed(p.Key), p.Value)).ToArray();
            var all = Task.WhenAll(pushes);
            Clock.AdvanceUntil(() => all.IsCompleted, LeaveBudget);
        }

        Members.Remove(node);
        Kill(node);
        ChangeRing();
    }

    private async Task PushOnceAsync(SimReplica node, SimReplica target, bool[] slots)
    {
        try
        {
            await ReplicaSync.PushAsync(node.Keys, new SimReplicaPeer(this, node, target), slots, CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // As on a server: keys with no other copy leave with the node.
        }
    }

    private void ChangeRing()
    {
        Ring = BuildRing();
        _ringGeneration++;
        foreach (var member in Members.Where(m => !m.Down))
        {
            RunOn(member, member.Incarnation, StartHandOff);
        }
    }

    /// <summary>What <see cref="SlotHandOff"/> does on a ring change (a node that starts empty saw a ring of itself alone).</summary>
    private void StartHandOff(SimReplica node)
    {
        var previous = node.SeenRing ?? SlotMap.Build([new RingNode(node.Id)], Replicas);
        node.SeenRing = Ring;
        _ = HandOffAsync(node, previous, Ring, _ringGeneration);
    }

    private async Task HandOffAsync(SimReplica node, SlotMap previous, SlotMap next, int generation)
    {
        _handOffs++;
        try
        {
            var life = node.Incarnation;
            var transfers = new List<Func<CancellationToken, Task>>();
            foreach (var (source, slots) in HandOffPlan.Pulls(previous, next, node.Id))
            {
                transfers.Add(ct => ReplicaSync.PullAsync(node.Keys, new SimReplicaPeer(this, node, NodeNamed(source)), SlotBitmap.From(slots), ct));
            }

            transfers.Add(ct => PushStrandedAsync(node, ct));

            await HandOffRetry.RunAsync(transfers, () => generation == _ringGeneration && node.Incarnation == life && !node.Down && Members.Contains(node),
                Clock, null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Errors.Add($"hand-off on {node}: {ex}");
        }
        finally
        {
            _handOffs--;
        }
    }

    /// <summary>What the server does on each ring change and before each anti-entropy round.</summary>
    private Task<int> PushStrandedAsync(SimReplica node, CancellationToken cancellationToken) =>
        StrandedSlots.PushAsync(Ring, node.Id, node.Keys, id => new SimReplicaPeer(this, node, NodeNamed(id)),
            (key, version) => node.Dropped(KeyName(key), version), cancellationToken);

    private async Task GuardedStrandedPushAsync(SimReplica node)
    {
        try
        {
            await PushStrandedAsync(node, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (HandOffRetry.IsTransient(ex))
        {
            // A timeout, or an owner on another ring: pushed again next round, as on a server.
        }
        catch (Exception ex)
        {
            Errors.Add($"stranded push from {node}: {ex}");
        }
    }

    private void ScheduleAntiEntropy(SimReplica node) =>
        Clock.Schedule(AntiEntropyInterval * (0.75 + (_random.NextDouble() * 0.5)), () =>
        {
            var others = Nodes.Where(n => n != node && Members.Contains(n)).ToArray();
            if (_periodic && node.CanAct && !node.RoundInFlight && Members.Contains(node) && others.Length > 0)
            {
                _ = GuardedStrandedPushAsync(node);
                _ = GuardedRoundAsync(node, others[_random.Next(others.Length)]);
            }

            ScheduleAntiEntropy(node);
        });

    private void ScheduleExpiry(SimReplica node) =>
        Clock.Schedule(ExpiryCycle, () =>
        {
            if (node.CanAct)
            {
                using (node.Keys.Enter())
                {
                    node.Keys.ActiveExpireCycle(64);
                }
            }

            ScheduleExpiry(node);
        });

    private async Task GuardedRoundAsync(SimReplica node, SimReplica peer)
    {
        try
        {
            await RoundAsync(node, peer).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The next round retries, as on a server.
        }
        catch (Exception ex)
        {
            Errors.Add($"anti-entropy {node} -> {peer}: {ex}");
        }
    }

    /// <summary>Anti-entropy with one peer, as <see cref="AntiEntropy"/> runs it: repeated while the slot bound leaves work.</summary>
    private async Task<RepairResult> RoundAsync(SimReplica node, SimReplica peer)
    {
        var shared = AntiEntropy.SharedSlots(Ring, Ring.IndexOf(node.Id), Ring.IndexOf(peer.Id));
        if (shared is null)
        {
            return default;
        }

        var life = node.Incarnation;
        node.RoundInFlight = true;
        try
        {
            // The first exchange tells how far apart the two were; the rest finish its repair.
            var first = await ReplicaSync.RepairAsync(node.Keys, new SimReplicaPeer(this, node, peer), shared, AntiEntropy.MaxSlotsPerRound, CancellationToken.None).ConfigureAwait(false);
            var result = first;
            while (!result.Complete)
            {
                result = await ReplicaSync.RepairAsync(node.Keys, new SimReplicaPeer(this, node, peer), shared, AntiEntropy.MaxSlotsPerRound, CancellationToken.None).ConfigureAwait(false);
            }

            return first;
        }
        finally
        {
            if (node.Incarnation == life)
            {
                node.RoundInFlight = false;
            }
        }
    }
}
