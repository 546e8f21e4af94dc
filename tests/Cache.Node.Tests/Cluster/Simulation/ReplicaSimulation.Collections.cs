using System.Text;
using Cache.Node.Commands;
using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Cluster.Simulation;

/// <summary>
/// Writes to collections, replicated by change as a server does: the coordinator runs the
/// command through its handler and sends each other owner the delta (or the full entry, for a
/// command a replica may not re-run); a replica that does not hold the base refuses and the
/// coordinator answers with the full entry it holds then. Every message is lossy: deltas and
/// refusals are dropped, duplicated and reordered like any replication message.
/// </summary>
internal sealed partial class ReplicaSimulation
{
    /// <summary>Deltas a replica applied, and refused, over the whole run.</summary>
    public (int Applied, int Refused, int Full) DeltaCounts => (_deltasApplied, _deltasRefused, _fullSends);

    private int _deltasApplied;
    private int _deltasRefused;
    private int _fullSends;

    private void CoordinateCommand(int keyIndex, int via, string[] arguments)
    {
        var key = HistoryStep.KeyName(keyIndex);
        var up = OwnersOf(key).Where(n => n.CanAct).ToArray();
        if (up.Length == 0)
        {
            return;
        }

        var coordinator = up[via % up.Length];
        var bytes = Encoding.ASCII.GetBytes(key);
        var request = QueuedRequest.From([.. arguments.Select(a => (ReadOnlyMemory<byte>)Encoding.ASCII.GetBytes(a))]);
        ReplicatedEntry entry;
        ReplicatedDelta? delta;
        using (coordinator.Keys.Enter())
        {
            var command = coordinator.Session.Server.Commands.Find(Encoding.ASCII.GetBytes(arguments[0]))!;
            coordinator.Keys.BeginCapture();
            coordinator.Session.Run(command, request.AsRequest());
            var touched = coordinator.Keys.EndCapture();
            var reply = coordinator.Output.WrittenSpan.ToArray();
            coordinator.Output.Clear();
            if (touched.Count == 0 || coordinator.Keys.Export(bytes) is not { } written)
            {
                return;
            }

            entry = written;
            delta = DeltaReplication.Of(command, request.AsRequest(), coordinator.Keys, touched, reply, minValueBytes: 0);
        }

        coordinator.Observe(key, entry);
        var write = new SimWrite(key, entry, coordinator);
        Writes.Add(write);
        foreach (var owner in OwnersOf(key).Where(o => o != coordinator))
        {
            Send(coordinator, owner, target =>
            {
                if (delta is { } change && !ApplyDelta(target, bytes, change))
                {
                    // Refused: the coordinator sends what it holds now (at least this write).
                    Send(target, coordinator, source => SendFull(source, target, key, write), lossy: true);
                    return;
                }

                if (delta is null)
                {
                    _fullSends++;
                    using (target.Keys.Enter())
                    {
                        target.Keys.Apply(bytes, entry);
                    }
                }

                target.Observe(key, entry);
                Acknowledge(target, coordinator, write);
            }, lossy: true);
        }
    }

    private bool ApplyDelta(SimReplica target, byte[] key, in ReplicatedDelta delta)
    {
        bool applied;
        using (target.Keys.Enter())
        {
            applied = DeltaReplication.TryApply(target.Session, key, delta);
            target.Output.Clear();
        }

        if (applied)
        {
            _deltasApplied++;
        }
        else
        {
            _deltasRefused++;
        }

        return applied;
    }

    private void SendFull(SimReplica source, SimReplica target, string key, SimWrite write)
    {
        var bytes = Encoding.ASCII.GetBytes(key);
        ReplicatedEntry? current;
        using (source.Keys.Enter())
        {
            current = source.Keys.Export(bytes);
        }

        if (current is not { } full || full.Version < write.Entry.Version)
        {
            return;   // this node no longer holds the write (restarted empty, handed it on): no acknowledgement
        }

        _fullSends++;
        source.Observe(key, full);
        Send(source, target, replica =>
        {
            replica.Observe(key, full);
            using (replica.Keys.Enter())
            {
                replica.Keys.Apply(bytes, full);
            }

            Acknowledge(replica, source, write);
        }, lossy: true);
    }

    private void Acknowledge(SimReplica target, SimReplica coordinator, SimWrite write)
    {
        var life = target.Incarnation;
        Send(target, coordinator, _ =>
        {
            write.Holders.Add((target, life));
            write.Acknowledged |= write.Holders.Count >= WriteQuorum;
        }, lossy: true);
    }
}
