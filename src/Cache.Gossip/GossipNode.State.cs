using Cache.Gossip.Protocol;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>SWIM state rules (memberlist's aliveNode, suspectNode, deadNode, refute). Called under the gate.</summary>
public sealed partial class GossipNode
{
    /// <param name="msg">The claim.</param>
    /// <param name="joining">Merging a seed's state while we join: members new to us are old news to everyone else, so do not re-gossip them.</param>
    internal void AliveNode(in AliveMessage msg, bool joining = false)
    {
        var local = _local!;
        var isLocal = msg.Name == local.Name;
        if (_leaving && isLocal)
        {
            return;
        }

        if (!_nodes.TryGetValue(msg.Name, out var state))
        {
            if (isLocal)
            {
                return;
            }

            state = new NodeState(msg.Name, msg.Address);
            _nodes[msg.Name] = state;
            // Put it at a random position (swap, O(1)) so new members are probed soon but not all at once.
            _probeList.Add(state);
            var at = _random.Next(_probeList.Count);
            (_probeList[at], _probeList[^1]) = (_probeList[^1], _probeList[at]);
            ApplyAlive(state, msg, isNew: true, broadcast: !joining);
            return;
        }

        var reclaimed = false;
        if (state.Address != msg.Address)
        {
            if (!state.IsDeadOrLeft)
            {
                GossipLog.AddressConflict(_logger, msg.Name, state.Address, msg.Address);
                return;
            }

            state.Address = msg.Address; // a restarted member came back on another address
            reclaimed = true;
        }

        if (isLocal)
        {
            if (msg.Incarnation < local.Incarnation)
            {
                return;
            }

            if (msg.Incarnation == local.Incarnation && msg.Metadata.AsSpan().SequenceEqual(local.Metadata))
            {
                return;
            }

            Refute(local, msg.Incarnation);
            return;
        }

        if (msg.Incarnation <= state.Incarnation && !reclaimed)
        {
            return;
        }

        ApplyAlive(state, msg, isNew: false);
    }

    internal void ApplyAlive(NodeState state, in AliveMessage msg, bool isNew, bool broadcast = true)
    {
        state.Suspicion?.Dispose();
        state.Suspicion = null;
        var old = state.State;
        var metaChanged = !state.Metadata.AsSpan().SequenceEqual(msg.Metadata);
        state.Incarnation = msg.Incarnation;
        state.Metadata = msg.Metadata;
        if (old != MemberState.Alive || isNew)
        {
            SetState(state, MemberState.Alive);
        }

        if (broadcast)
        {
            QueueBroadcast(state.Name, EncodeAlive(state));
        }

        if ((isNew || old is MemberState.Dead or MemberState.Left) && state != _local)
        {
            GossipLog.Joined(_logger, _options.NodeName, state.Name, state.Address);
        }

        var kind = isNew || old is MemberState.Dead or MemberState.Left ? MembershipEventKind.Joined
            : old == MemberState.Suspect ? MembershipEventKind.Recovered
            : metaChanged ? MembershipEventKind.Updated
            : (MembershipEventKind?)null;
        if (kind is { } k)
        {
            _events.Publish(state, k);
        }
        else
        {
            _events.PublishQuiet(state);
        }
    }

    internal void SuspectNode(in SuspectMessage msg)
    {
        if (!_nodes.TryGetValue(msg.Name, out var state) || msg.Incarnation < state.Incarnation)
        {
            return;
        }

        if (state.Suspicion is { } existing)
        {
            if (existing.Confirm(msg.From))
            {
                QueueBroadcast(state.Name, EncodeSuspect(msg));
            }

            return;
        }

        if (state.State != MemberState.Alive)
        {
            return;
        }

        if (state == _local)
        {
            Refute(state, msg.Incarnation);
            return;
        }

        QueueBroadcast(state.Name, EncodeSuspect(msg));
        Stats.Suspicion();
        state.Incarnation = msg.Incarnation;
        SetState(state, MemberState.Suspect);
        var n = ClusterSize;
        var k = _options.SuspicionMult - 2;
        if (n - 2 < k)
        {
            k = 0;
        }

        var min = SuspicionTimeout(n);
        var max = min * _options.SuspicionMaxTimeoutMult;
        var incarnation = msg.Incarnation;
        var name = state.Name;
        state.Suspicion = new Suspicion(_time, msg.From, k, min, max, () => SuspicionExpired(name, incarnation));
        GossipLog.Suspected(_logger, _options.NodeName, name, msg.From);
        _events.Publish(state, MembershipEventKind.Suspected);
    }

    private void SuspicionExpired(string name, uint incarnation)
    {
        lock (_gate)
        {
            if (_stopped || !_nodes.TryGetValue(name, out var state) || state.State != MemberState.Suspect || state.Incarnation != incarnation)
            {
                return;
            }

            DeadNode(new DeadMessage(incarnation, name, _local!.Name));
        }

        FlushEvents();
    }

    internal void DeadNode(in DeadMessage msg, Action? onFinished = null)
    {
        if (!_nodes.TryGetValue(msg.Name, out var state) || msg.Incarnation < state.Incarnation)
        {
            return;
        }

        state.Suspicion?.Dispose();
        state.Suspicion = null;
        if (state.IsDeadOrLeft)
        {
            return;
        }

        if (state == _local && !_leaving)
        {
            Refute(state, msg.Incarnation);
            return;
        }

        QueueBroadcast(state.Name, EncodeDead(msg), onFinished);
        state.Incarnation = msg.Incarnation;
        var left = msg.From == msg.Name;
        SetState(state, left ? MemberState.Left : MemberState.Dead);
        if (!left)
        {
            Stats.Death();
        }

        if (state != _local && left)
        {
            GossipLog.Left(_logger, _options.NodeName, state.Name);
        }
        else if (state != _local)
        {
            GossipLog.Dead(_logger, _options.NodeName, state.Name, msg.From);
        }

        _events.Publish(state, left ? MembershipEventKind.Left : MembershipEventKind.Failed);
    }

    private void Refute(NodeState local, uint accused)
    {
        local.Incarnation = Math.Max(local.Incarnation, accused) + 1;
        _awareness.Apply(1);
        Stats.Refutation();
        BroadcastAlive(local);
        _events.PublishQuiet(local);
    }

    private void BroadcastAlive(NodeState state) => QueueBroadcast(state.Name, EncodeAlive(state));

    /// <summary>memberlist's suspicionTimeout: mult · max(1, log10(n)) · probe interval.</summary>
    private TimeSpan SuspicionTimeout(int n)
    {
        var scale = Math.Max(1.0, Math.Log10(Math.Max(1, n)));
        return TimeSpan.FromMilliseconds(Math.Floor(_options.SuspicionMult * scale * _options.ProbeInterval.TotalMilliseconds));
    }

    private void SetState(NodeState state, MemberState s)
    {
        state.State = s;
        state.StateChangeTimestamp = _time.GetTimestamp();
        state.StateChangedAt = _time.GetUtcNow();
    }

    private void QueueBroadcast(string key, byte[] message, Action? onFinished = null) => _broadcasts.Enqueue(key, message, onFinished);

    private byte[] EncodeAlive(NodeState s)
    {
        _messageWriter.Reset();
        MessageCodec.Write(_messageWriter, new AliveMessage(s.Incarnation, s.Name, s.Address, s.Metadata));
        return _messageWriter.ToArray();
    }

    private byte[] EncodeSuspect(in SuspectMessage m)
    {
        _messageWriter.Reset();
        MessageCodec.Write(_messageWriter, m);
        return _messageWriter.ToArray();
    }

    private byte[] EncodeDead(in DeadMessage m)
    {
        _messageWriter.Reset();
        MessageCodec.Write(_messageWriter, m);
        return _messageWriter.ToArray();
    }
}
