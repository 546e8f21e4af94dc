using Cache.Gossip.Protocol;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

// Failure detection: round-robin probes, indirect probes with nacks, TCP fallback, awareness.
// Its state is guarded by the node's gate, which every entry point below takes or is called under.
internal sealed class Prober(GossipNode node)
{
    private readonly Dictionary<uint, AckHandler> _acks = [];
    private readonly List<NodeState> _pickBuffer = [];
    private readonly GossipOptions _options = node.Options;
    private readonly TimeProvider _time = node.Time;
    private readonly Random _random = node.Random;
    private readonly Awareness _awareness = node.Awareness;
    private readonly WireWriter _writer = node.Writer;
    private readonly List<NodeState> _probeList = node.ProbeList;
    private ITimer? _probeTimer;
    private int _probeIndex;
    private uint _sequence;

    // Under the gate, at start.
    public void Start(TimeSpan firstDelay) =>
        _probeTimer = _time.CreateTimer(_ => ProbeTick(), null, firstDelay, Timeout.InfiniteTimeSpan);

    // Under the gate, at dispose.
    public void Stop()
    {
        _probeTimer?.Dispose();
        foreach (var h in _acks.Values)
        {
            h.Timer?.Dispose();
        }

        _acks.Clear();
    }

    // Under the gate.
    public void OnAck(uint seq)
    {
        if (!_acks.TryGetValue(seq, out var h))
        {
            return;
        }

        if (!h.IsRelay)
        {
            h.Acked = true;
            return;
        }

        _acks.Remove(seq);
        h.Timer?.Dispose();
        _writer.Reset();
        MessageCodec.Write(_writer, new AckMessage(h.OriginalSeq));
        node.SendWithPiggyback(h.RequesterAddress, _writer);
    }

    // Under the gate.
    public void OnNack(uint seq)
    {
        if (_acks.TryGetValue(seq, out var h) && !h.IsRelay)
        {
            h.Nacks++;
        }
    }

    // Under the gate.
    public void OnPing(in PingMessage ping, string from)
    {
        if (ping.Target.Length > 0 && ping.Target != node.Local!.Name)
        {
            node.Stats.Drop(DropReason.WrongTarget);
            return;
        }

        // To the address the ping came from, never one named inside it: a forged ping must not turn us
        // into a reflector aimed at a victim (memberlist answers ping.SourceAddr).
        _writer.Reset();
        MessageCodec.Write(_writer, new AckMessage(ping.Seq));
        node.SendWithPiggyback(from, _writer);
    }

    // Under the gate.
    public void OnIndirectPing(in IndirectPingMessage req, string from)
    {
        var local = node.Local!;
        // Probe only a member we know, at the address we know: an indirect ping naming a stranger or
        // another address would otherwise make us send to any host on request. Answer with a nack, so the
        // requester's Lifeguard score counts us as responsive.
        if (!node.Nodes.TryGetValue(req.Target, out var target) || target == local)
        {
            node.Stats.Drop(DropReason.UnknownTarget);
            if (req.WantNack)
            {
                _writer.Reset();
                MessageCodec.Write(_writer, new NackMessage(req.Seq));
                node.SendWithPiggyback(from, _writer);
            }

            return;
        }

        var seq = ++_sequence;
        var h = new AckHandler
        {
            IsRelay = true,
            OriginalSeq = req.Seq,
            RequesterAddress = from, // the source of the request, as memberlist's indirect ack
            WantNack = req.WantNack,
        };
        _acks[seq] = h;
        _writer.Reset();
        MessageCodec.Write(_writer, new PingMessage(seq, target.Name, local.Name, local.Address));
        node.SendWithPiggyback(target.Address, _writer);
        h.Timer = _time.CreateTimer(_ => RelayTimedOut(seq), null, _options.ProbeTimeout, Timeout.InfiniteTimeSpan);
    }

    // Under the gate: up to k distinct random live members other than local and the excluded one.
    public List<NodeState> RandomNodes(int k, NodeState? exclude)
    {
        _pickBuffer.Clear();
        var n = _probeList.Count;
        for (var tries = 0; tries < 3 * n && _pickBuffer.Count < k; tries++)
        {
            var c = _probeList[_random.Next(n)];
            if (c == node.Local || c == exclude || c.State != MemberState.Alive || _pickBuffer.Contains(c))
            {
                continue;
            }

            _pickBuffer.Add(c);
        }

        return _pickBuffer;
    }

    private void ProbeTick()
    {
        lock (node.Gate)
        {
            if (node.IsStopped)
            {
                return;
            }

            var interval = _awareness.Scale(_options.ProbeInterval);
            if (!node.IsLeaving && NextProbeTarget() is { } target)
            {
                ProbeNode(target, interval);
            }

            _probeTimer?.Change(interval, Timeout.InfiniteTimeSpan);
        }

        node.FlushEvents();
    }

    private NodeState? NextProbeTarget()
    {
        for (var checkedCount = 0; checkedCount <= _probeList.Count; checkedCount++)
        {
            if (_probeIndex >= _probeList.Count)
            {
                ResetProbeList();
                _probeIndex = 0;
                if (_probeList.Count == 0)
                {
                    return null;
                }
            }

            var n = _probeList[_probeIndex++];
            if (n == node.Local || n.IsDeadOrLeft)
            {
                continue;
            }

            return n;
        }

        return null;
    }

    // At the end of a round: reap members left longer than GossipToTheDeadTime or dead longer than ReconnectTimeout, then shuffle.
    private void ResetProbeList()
    {
        for (var i = _probeList.Count - 1; i >= 0; i--)
        {
            var n = _probeList[i];
            if (n != node.Local && n.IsDeadOrLeft &&
                _time.GetElapsedTime(n.StateChangeTimestamp) > (n.State == MemberState.Left ? _options.GossipToTheDeadTime : _options.ReconnectTimeout))
            {
                _probeList.RemoveAt(i);
                node.Nodes.Remove(n.Name);
                node.Events.PublishRemoved(n);
            }
        }

        for (var i = _probeList.Count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (_probeList[i], _probeList[j]) = (_probeList[j], _probeList[i]);
        }
    }

    private void ProbeNode(NodeState target, TimeSpan interval)
    {
        var local = node.Local!;
        node.Stats.Probe();
        var seq = ++_sequence;
        var h = new AckHandler { Target = target };
        _acks[seq] = h;
        _writer.Reset();
        MessageCodec.Write(_writer, new PingMessage(seq, target.Name, local.Name, local.Address));
        // As memberlist: tell a suspect it is suspected, so it can refute even if the rumour died out.
        if (target.State == MemberState.Suspect)
        {
            MessageCodec.Write(_writer, new SuspectMessage(target.Incarnation, target.Name, local.Name));
        }

        node.SendWithPiggyback(target.Address, _writer);
        var timeout = _awareness.Scale(_options.ProbeTimeout);
        h.Timer = _time.CreateTimer(_ => ProbeTimedOut(seq), null, timeout, Timeout.InfiniteTimeSpan);
        h.DeadlineTimer = _time.CreateTimer(_ => ProbeDeadline(seq), null, interval, Timeout.InfiniteTimeSpan);
    }

    // No direct ack in time: ask k others to probe (with nacks) and try a stream ping.
    private void ProbeTimedOut(uint seq)
    {
        lock (node.Gate)
        {
            if (node.IsStopped || !_acks.TryGetValue(seq, out var h) || h.Acked || h.IsRelay)
            {
                return;
            }

            var local = node.Local!;
            var target = h.Target!;
            foreach (var relay in RandomNodes(_options.IndirectChecks, target))
            {
                node.Stats.IndirectProbe();
                h.ExpectedNacks++;
                _writer.Reset();
                MessageCodec.Write(_writer, new IndirectPingMessage(seq, target.Name, target.Address, true, local.Name, local.Address));
                node.SendWithPiggyback(relay.Address, _writer);
            }

            if (_options.TcpFallbackPing)
            {
                _writer.Reset();
                MessageCodec.Write(_writer, new PingMessage(seq, target.Name, local.Name, local.Address));
                var request = node.Seal(_writer);
                node.Stats.StreamOut(request.Length);
                var remaining = _awareness.Scale(_options.ProbeInterval) - _awareness.Scale(_options.ProbeTimeout);
                node.Transport.BeginExchange(target.Address, request, remaining, response => FallbackPingDone(seq, response));
            }
        }
    }

    private void FallbackPingDone(uint seq, byte[]? response)
    {
        if (response is null)
        {
            return;
        }

        if (!node.TryOpenStreamReply(response, out var body))
        {
            return;
        }

        var r = new WireReader(body.Span);
        if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload) || type != MessageType.Ack ||
            !MessageCodec.TryReadSeq(payload, out var ackSeq) || ackSeq != seq)
        {
            return;
        }

        lock (node.Gate)
        {
            if (_acks.TryGetValue(seq, out var h) && !h.IsRelay)
            {
                h.Acked = true;
            }
        }
    }

    // End of the probe round: adjust local health and suspect the target if nothing answered.
    private void ProbeDeadline(uint seq)
    {
        lock (node.Gate)
        {
            if (node.IsStopped || !_acks.Remove(seq, out var h))
            {
                return;
            }

            h.Timer?.Dispose();
            h.DeadlineTimer?.Dispose();
            if (h.Acked)
            {
                _awareness.Apply(-1);
                return;
            }

            node.Stats.ProbeFailed();
            // With relays we can tell "they are dead" from "we are slow": missing nacks blame us.
            var delta = h.ExpectedNacks > 0 ? Math.Max(0, h.ExpectedNacks - h.Nacks) : 1;
            _awareness.Apply(delta);
            var target = h.Target!;
            // Also when already suspected: our failed probe is an independent confirmation.
            if (target.State is MemberState.Alive or MemberState.Suspect)
            {
                node.SuspectNode(new SuspectMessage(target.Incarnation, target.Name, node.Local!.Name));
            }
        }

        node.FlushEvents();
    }

    private void RelayTimedOut(uint seq)
    {
        lock (node.Gate)
        {
            if (node.IsStopped || !_acks.Remove(seq, out var h))
            {
                return;
            }

            h.Timer?.Dispose();
            if (!h.WantNack)
            {
                return;
            }

            _writer.Reset();
            MessageCodec.Write(_writer, new NackMessage(h.OriginalSeq));
            node.SendWithPiggyback(h.RequesterAddress, _writer);
        }
    }
}
