using System.Text;
using Cache.Gossip.Ring;
using Cache.Gossip.Simulation;
using Cache.Node.Cluster;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// Up to five nodes, three copies per key, on a simulated network with fake time: writes
/// replicate as lossy one-way messages (dropped, duplicated, delayed and so reordered);
/// anti-entropy and hand-off run the server's own <see cref="ReplicaSync"/>,
/// <see cref="HandOffPlan"/> and <see cref="HandOffRetry"/> over <see cref="SimReplicaPeer"/>;
/// partitions, pauses, kills, empty restarts, joins and leaves happen when the history says.
/// Everything runs on the test thread inside <see cref="SimulationClock.Advance"/>, so a seed
/// and a history replay exactly. Membership itself is given, not gossiped (gossip has its own
/// simulation tests): every node acts on the same ring, a paused one when it resumes.
/// </summary>
internal sealed partial class ReplicaSimulation
{
    public const int Replicas = 3;
    public const int WriteQuorum = 2;

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
            var node = new SimReplica($"n{i}", (ushort)(i + 1), Clock) { Down = i >= HistoryStep.FirstMembers };
            Nodes.Add(node);
            if (i < HistoryStep.FirstMembers)
            {
                Members.Add(node);
            }
        }

        Ring = BuildRing();
        foreach (var node in Nodes)
        {
            node.SeenRing = Ring;
            ScheduleAntiEntropy(node);
            ScheduleExpiry(node);
        }
    }

    public SimulationClock Clock { get; }

    public List<SimReplica> Nodes { get; } = [];

    /// <summary>The nodes in the ring (a member may be down or paused).</summary>
    public HashSet<SimReplica> Members { get; } = [];

    public SlotMap Ring { get; private set; }

    public List<SimWrite> Writes { get; } = [];

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

    public SimReplica NodeNamed(string id) => Nodes.First(n => n.Id == id);

    public SimReplica[] OwnersOf(string key)
    {
        var owners = Ring.OwnerIndices(HashSlot.ForKey(Encoding.ASCII.GetBytes(key))).ToArray();
        return [.. owners.Select(i => NodeNamed(Ring.Nodes[i].Id))];
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
            case HistoryStep.CollectionOp c:
                CoordinateCommand(c.Key, c.Via, c.Arguments());
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
                Nodes[p.Node].Paused = Members.Contains(Nodes[p.Node]);
                break;
            case HistoryStep.Resume r:
                Resume(Nodes[r.Node]);
                break;
            case HistoryStep.Kill k:
                Kill(Nodes[k.Node]);
                break;
            case HistoryStep.RestartEmpty r when Members.Contains(Nodes[r.Node]):
                RestartEmpty(Nodes[r.Node]);
                break;
            case HistoryStep.Join j when !Members.Contains(Nodes[j.Node]):
                Join(Nodes[j.Node]);
                break;
            case HistoryStep.Leave l when Members.Contains(Nodes[l.Node]) && Members.Count > Replicas && !Nodes[l.Node].Paused:
                Leave(Nodes[l.Node]);
                break;
            case HistoryStep.RestartEmpty or HistoryStep.Join or HistoryStep.Leave:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, "unknown step");
        }
    }

    /// <summary>
    /// The faults stop: the network heals and stops losing messages, paused nodes resume, dead
    /// members restart empty; then time passes until every hand-off (with its retries) is done,
    /// with the periodic anti-entropy off.
    /// </summary>
    public void StopFaults()
    {
        (_dropPercent, _duplicatePercent, _maxDelayMs, _side) = (0, 0, 5, 0);
        foreach (var node in Members)
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
        Clock.Advance(RpcTimeout * 2);
        if (!Clock.AdvanceUntil(() => _handOffs == 0, TimeSpan.FromMinutes(5)))
        {
            throw new InvalidOperationException($"{_handOffs} hand-offs still running five minutes after the faults stopped");
        }
    }

    /// <summary>One anti-entropy round: stranded slots pushed, then an exchange between every two members; the results.</summary>
    public List<(SimReplica Node, SimReplica Peer, RepairResult Result)> AntiEntropyPass()
    {
        var results = new List<(SimReplica, SimReplica, RepairResult)>();
        var members = Nodes.Where(Members.Contains).ToList();

        // As each server's round starts: entries held in slots a node does not own go to the owners.
        foreach (var member in members)
        {
            var push = PushStrandedAsync(member, CancellationToken.None);
            if (!Clock.AdvanceUntil(() => push.IsCompleted, TimeSpan.FromMinutes(1)) || !push.IsCompletedSuccessfully)
            {
                throw new InvalidOperationException($"{member} could not push its stranded slots on a healed network: {push.Exception?.GetBaseException().Message ?? "still running"}");
            }
        }

        // Each pair once, so what converges here is the push as much as the pull.
        for (var i = 0; i < members.Count; i++)
        {
            foreach (var peer in members.Skip(i + 1))
            {
                var round = RoundAsync(members[i], peer);
                if (!Clock.AdvanceUntil(() => round.IsCompleted, TimeSpan.FromMinutes(1)) || !round.IsCompletedSuccessfully)
                {
                    throw new InvalidOperationException($"anti-entropy {members[i]} -> {peer} did not complete on a healed network: {round.Exception?.GetBaseException().Message ?? "still running"}");
                }

                results.Add((members[i], peer, round.GetAwaiter().GetResult()));
            }
        }

        return results;
    }

    private SlotMap BuildRing() => SlotMap.Build(Nodes.Where(Members.Contains).Select(n => new RingNode(n.Id)), Replicas);

    private void Coordinate(int keyIndex, int via, Func<KeySpace, byte[], bool> command)
    {
        var key = HistoryStep.KeyName(keyIndex);
        var up = OwnersOf(key).Where(n => n.CanAct).ToArray();
        if (up.Length == 0)
        {
            return;
        }

        var coordinator = up[via % up.Length];
        var bytes = Encoding.ASCII.GetBytes(key);
        ReplicatedEntry entry;
        using (coordinator.Keys.Enter())
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
                using (target.Keys.Enter())
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
        ReleaseHeld(node);
    }

    private static void Kill(SimReplica node)
    {
        node.Down = true;
        node.Paused = false;
        ReleaseHeld(node);
    }
}
