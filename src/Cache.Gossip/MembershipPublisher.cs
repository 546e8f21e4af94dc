using Cache.Gossip.Protocol;
using Microsoft.Extensions.Logging;

namespace Cache.Gossip;

// The node's published view: the snapshot readers see without locking, and the events queued
// under the node's gate that are raised after it is released, in version order.
internal sealed class MembershipPublisher(GossipNode node, object gate, ILogger logger)
{
    private readonly List<MembershipEvent> _pendingEvents = [];
    private readonly object _eventGate = new();
    private MembershipSnapshot _snapshot = MembershipSnapshot.Empty;

    public MembershipSnapshot Snapshot => Volatile.Read(ref _snapshot);

    // Under the gate.
    public void Publish(NodeState state, MembershipEventKind kind)
    {
        var member = ToMember(state);
        var snap = _snapshot.With(member);
        Volatile.Write(ref _snapshot, snap);
        _pendingEvents.Add(new MembershipEvent(kind, member, snap.Version));
    }

    // Under the gate: a change readers should see that is not worth an event (a refutation, a re-alive).
    public void PublishQuiet(NodeState state) => Volatile.Write(ref _snapshot, _snapshot.With(ToMember(state)));

    // Under the gate.
    public void PublishRemoved(NodeState state)
    {
        var snap = _snapshot.Without(state.Name);
        Volatile.Write(ref _snapshot, snap);
        _pendingEvents.Add(new MembershipEvent(MembershipEventKind.Removed, ToMember(state), snap.Version));
    }

    // Outside the gate: one flusher at a time, so listeners see versions in order.
    public void Flush()
    {
        if (node.Listeners is null)
        {
            lock (gate)
            {
                _pendingEvents.Clear();
            }

            return;
        }

        lock (_eventGate)
        {
            MembershipEvent[] events;
            lock (gate)
            {
                if (_pendingEvents.Count == 0)
                {
                    return;
                }

                events = [.. _pendingEvents];
                _pendingEvents.Clear();
            }

            foreach (var e in events)
            {
                try
                {
                    node.Listeners?.Invoke(node, e);
                }
                catch (Exception ex)
                {
                    GossipLog.ListenerFailed(logger, ex);
                }
            }
        }
    }

    private static Member ToMember(NodeState s) => new(s.Name, s.Address, s.Metadata, s.State, s.Incarnation, s.StateChangedAt);
}
