using System.Text;
using Cache.Gossip.Ring;
using Cache.Gossip.Simulation;
using Cache.Node.Cluster;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// Four nodes, three copies per key, on a simulated network with fake time: writes replicate as
/// lossy one-way messages (dropped, duplicated, delayed and so reordered), anti-entropy and
/// hand-off run the server's own <see cref="ReplicaSync"/> over <see cref="SimReplicaPeer"/>, and
/// partitions, pauses, kills and empty restarts happen when the history says. Everything runs on
/// the test thread inside <see cref="SimulationClock.Advance"/>, so a seed and a history replay exactly.
/// </summary>
internal sealed class ReplicaSimulation
{
    public const int Replicas = 3;
    public const int WriteQuorum = 2;
    private static readonly TimeSpan RpcTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan AntiEntropyInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ExpiryCycle = TimeSpan.FromMilliseconds(250);

    private readonly Random _random;
    private int _dropPercent;
    private int _duplicatePercent;
    private int _maxDelayMs = 5;
    private int _side;   // the nodes on one side of the partition, as bits; 0 when healed
    private bool _periodic = true;

    public ReplicaSimulation(int seed)
    {
        _random = new Random(seed);
        Clock = new SimulationClock(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));
        for (var i = 0; i < HistoryStep.Nodes; i++)
        {
            Nodes.Add(new SimReplica($"n{i}", (ushort)(i + 1), Clock));
        }

        Ring = SlotMap.Build(Nodes.Select(n => new RingNode(n.Id)), Replicas);
        foreach (var node in Nodes)
        {
            ScheduleAntiEntropy(node);
            ScheduleExpiry(node);
        }
    }

    public SimulationClock Clock { get; }

    public List<SimReplica> Nodes { get; } = [];

    public SlotMap Ring { get; }

    public List<SimWrite> Writes { get; } = [];

    /// <summary>Anti-entropy exchanges run (a round left unfinished by the slot bound counts again).</summary>
    public int Rounds { get; private set; }

    /// <summary>
    /// Runs <paramref name="action"/> with no synchronization context: the awaits in
    /// <see cref="ReplicaSync"/> then continue inline when a simulated reply arrives, instead of
    /// being posted to xunit's context or the thread pool.
    /// </summary>
    public static void OnThisThread(Action action)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            action();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    public static string KeyName(byte[] key) => Encoding.ASCII.GetString(key);

    public SimReplica[] OwnersOf(string key)
    {
        var owners = Ring.OwnerIndices(HashSlot.ForKey(Encoding.ASCII.GetBytes(key))).ToArray();
        var nodes = new SimReplica[owners.Length];
        for (var i = 0; i < owners.Length; i++)
        {
            nodes[i] = Nodes.First(n => n.Id == Ring.Nodes[owners[i]].Id);
        }

        return nodes;
    }

    public void Run(IEnumerable<HistoryStep> history)
    {
        foreach (var step in history)
        {
            Apply(step);
            Clock.Advance(TimeSpan.FromMilliseconds(1));
        }
    }

    public void Apply(HistoryStep step)
    {
        switch (step)
        {
            case HistoryStep.Write w:
                Coordinate(w.Key, w.Via, (keys, key) =>
                {
                    keys.SetString(key, Encoding.ASCII.GetBytes($"v{w.Value}"), w.TtlMs > 0 ? keys.NowMs + w.TtlMs : 0);
                    return true;
                });
                break;
            case HistoryStep.Delete d:
                Coordinate(d.Key, d.Via, (keys, key) => keys.Delete(key));
                break;
            case HistoryStep.Expire e:
                Coordinate(e.Key, e.Via, (keys, key) => ChangeExpiry(keys, key, keys.NowMs + e.TtlMs));
                break;
            case HistoryStep.Persist p:
                Coordinate(p.Key, p.Via, (keys, key) => ChangeExpiry(keys, key, 0));
                break;
            case HistoryStep.Wait wait:
                Clock.Advance(TimeSpan.FromMilliseconds(wait.Ms));
                break;
            case HistoryStep.Faults f:
                (_dropPercent, _duplicatePercent, _maxDelayMs) = (f.DropPercent, f.DuplicatePercent, f.MaxDelayMs);
                break;
            case HistoryStep.Partition p:
                _side = p.Side;
                break;
            case HistoryStep.Heal:
                _side = 0;
                break;
            case HistoryStep.Pause p:
                Nodes[p.Node].Paused = true;
                break;
            case HistoryStep.Resume r:
                Resume(Nodes[r.Node]);
                break;
            case HistoryStep.Kill k:
                Nodes[k.Node].Down = true;
                break;
            case HistoryStep.RestartEmpty r:
                RestartEmpty(Nodes[r.Node]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, "unknown step");
        }
    }

    /// <summary>
    /// The faults stop: the network heals and stops losing messages, paused nodes resume, dead
    /// ones restart empty; then time passes for what is in flight, with the periodic timers off.
    /// </summary>
    public void StopFaults()
    {
        (_dropPercent, _duplicatePercent, _maxDelayMs, _side) = (0, 0, 5, 0);
        foreach (var node in Nodes)
        {
            if (node.Down)
            {
                RestartEmpty(node);
            }
            else if (node.Paused)
            {
                Resume(node);
            }
        }

        _periodic = false;
        Clock.Advance(RpcTimeout * 4);
    }

    /// <summary>One anti-entropy exchange between every two nodes that share slots; the results.</summary>
    public List<(SimReplica Node, SimReplica Peer, RepairResult Result)> AntiEntropyPass()
    {
        var results = new List<(SimReplica, SimReplica, RepairResult)>();
        // Each pair once, so what converges here is the push as much as the pull.
        foreach (var node in Nodes)
        {
            foreach (var peer in Nodes.Skip(Nodes.IndexOf(node) + 1))
            {
                var round = RoundAsync(node, peer);
                if (!Clock.AdvanceUntil(() => round.IsCompleted, TimeSpan.FromMinutes(1)) || !round.IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException($"anti-entropy {node} -> {peer} did not complete on a healed network: {round.Exception?.GetBaseException().Message ?? "still running"}");
                }

                results.Add((node, peer, round.GetAwaiter().GetResult()));
            }
        }

        return results;
    }

    // ---- the network ----

    private bool Partitioned(SimReplica a, SimReplica b) =>
        _side != 0 && ((_side >> Nodes.IndexOf(a)) & 1) != ((_side >> Nodes.IndexOf(b)) & 1);

    /// <summary>A one-way message; <paramref name="lossy"/> ones obey the drop, duplicate and delay settings.</summary>
    private void Send(SimReplica from, SimReplica to, Action<SimReplica> deliver, bool lossy, int? incarnation = null)
    {
        if (lossy && _random.Next(100) < _dropPercent)
        {
            return;
        }

        var life = incarnation ?? to.Incarnation;
        var copies = lossy && _random.Next(100) < _duplicatePercent ? 2 : 1;
        for (var i = 0; i < copies; i++)
        {
            var delay = lossy ? _random.Next(0, _maxDelayMs + 1) : _random.Next(1, 4);
            Clock.Schedule(TimeSpan.FromMilliseconds(delay), () => Deliver(from, to, life, deliver));
        }
    }

    private void Deliver(SimReplica from, SimReplica to, int life, Action<SimReplica> deliver)
    {
        if (Partitioned(from, to))
        {
            return;
        }

        RunOn(to, life, deliver);
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

    /// <summary>A request and its reply (TCP-like: lost only across a partition, to a dead node, or by timeout).</summary>
    public Task<T> Call<T>(SimReplica from, SimReplica to, Func<SimReplica, T> handle, Action<SimReplica, T>? onReply = null)
    {
        // Continuations run inline, on the clock's thread: the simulation stays deterministic.
        var reply = new TaskCompletionSource<T>();
        var life = from.Incarnation;
        Send(from, to, target =>
        {
            T result;
            lock (target.Keys.Gate)
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
        Clock.Schedule(RpcTimeout, () => RunOn(from, life, _ => reply.TrySetException(new TimeoutException($"{to} did not answer {from}"))));
        return reply.Task;
    }

    // ---- the nodes ----

    private void Coordinate(int keyIndex, int via, Func<KeySpace, byte[], bool> command)
    {
        var key = $"k{keyIndex}";
        var up = OwnersOf(key).Where(n => n.CanAct).ToArray();
        if (up.Length == 0)
        {
            return;
        }

        var coordinator = up[via % up.Length];
        var bytes = Encoding.ASCII.GetBytes(key);
        ReplicatedEntry entry;
        lock (coordinator.Keys.Gate)
        {
            if (!command(coordinator.Keys, bytes) || coordinator.Keys.Export(bytes) is not { } written)
            {
                return;
            }

            entry = written;
        }

        coordinator.Observe(key, entry);
        var write = new SimWrite(key, entry, coordinator);
        Writes.Add(write);
        foreach (var owner in OwnersOf(key).Where(o => o != coordinator))
        {
            Send(coordinator, owner, target =>
            {
                target.Observe(key, entry);
                lock (target.Keys.Gate)
                {
                    target.Keys.Apply(bytes, entry);
                }

                var life = target.Incarnation;
                Send(target, coordinator, _ =>
                {
                    write.Holders.Add((target, life));
                    write.Acknowledged |= write.Holders.Count >= WriteQuorum;
                }, lossy: true);
            }, lossy: true);
        }
    }

    private static bool ChangeExpiry(KeySpace keys, byte[] key, long expiresAt)
    {
        ref var entry = ref keys.Lookup(key);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref entry) || entry.ExpiresAt == expiresAt)
        {
            return false;
        }

        keys.SetExpiry(ref entry, expiresAt);
        return true;
    }

    private static void Resume(SimReplica node)
    {
        node.Paused = false;
        var held = node.Held.ToArray();
        node.Held.Clear();
        foreach (var action in held)
        {
            action();
        }
    }

    private void RestartEmpty(SimReplica node)
    {
        node.Wipe();
        node.Down = false;
        node.Paused = false;
        _ = HandOffAsync(node);
    }

    /// <summary>What a node that starts empty does: pulls every slot it holds from the other owners (<see cref="SlotHandOff.Plan"/>).</summary>
    private async Task HandOffAsync(SimReplica node)
    {
        var alone = SlotMap.Build([new RingNode(node.Id)], Replicas);
        foreach (var (source, slots) in SlotHandOff.Plan(alone, Ring, node.Id))
        {
            try
            {
                await ReplicaSync.PullAsync(node.Keys, new SimReplicaPeer(this, node, Nodes.First(n => n.Id == source)), SlotBitmap.From(slots), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // As on a server: the pull is lost; anti-entropy repairs what it missed.
            }
        }
    }

    private void ScheduleAntiEntropy(SimReplica node) =>
        Clock.Schedule(AntiEntropyInterval * (0.75 + (_random.NextDouble() * 0.5)), () =>
        {
            if (_periodic && node.CanAct && !node.RoundInFlight)
            {
                var peer = Nodes[(Nodes.IndexOf(node) + 1 + _random.Next(Nodes.Count - 1)) % Nodes.Count];
                _ = GuardedRoundAsync(node, peer);
            }

            ScheduleAntiEntropy(node);
        });

    private void ScheduleExpiry(SimReplica node) =>
        Clock.Schedule(ExpiryCycle, () =>
        {
            if (node.CanAct)
            {
                lock (node.Keys.Gate)
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
            Rounds++;
            var result = first;
            while (!result.Complete)
            {
                result = await ReplicaSync.RepairAsync(node.Keys, new SimReplicaPeer(this, node, peer), shared, AntiEntropy.MaxSlotsPerRound, CancellationToken.None).ConfigureAwait(false);
                Rounds++;
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
