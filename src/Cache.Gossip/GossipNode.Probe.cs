using Cache.Gossip.Protocol;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>Failure detection: round-robin probes, indirect probes with nacks, TCP fallback, awareness.</summary>
public sealed partial class GossipNode
{
    private readonly Dictionary<uint, AckHandler> _acks = [];
    private readonly List<NodeState> _pickBuffer = [];
    private int _probeIndex;
    private uint _sequence;

    private sealed class AckHandler
    {
        public bool IsRelay;
        public NodeState? Target;
        public bool Acked;
        public int Nacks;
        public int ExpectedNacks;
        public uint OriginalSeq;
        public string RequesterAddress = "";
        public bool WantNack;
        public ITimer? Timer;
        public ITimer? DeadlineTimer;
    }

    private void ProbeTick()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            var interval = _awareness.Scale(_options.ProbeInterval);
            if (!_leaving && NextProbeTarget() is { } target)
            {
                ProbeNode(target, interval);
            }

            _probeTimer?.Change(interval, Timeout.InfiniteTimeSpan);
        }

        FlushEvents();
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
            if (n == _local || n.IsDeadOrLeft)
            {
                continue;
            }

            return n;
        }

        return null;
    }

    /// <summary>At the end of a round: reap members left longer than GossipToTheDeadTime or dead longer than ReconnectTimeout, then shuffle.</summary>
    private void ResetProbeList()
    {
        for (var i = _probeList.Count - 1; i >= 0; i--)
        {
            var n = _probeList[i];
            if (n != _local && n.IsDeadOrLeft &&
                _time.GetElapsedTime(n.StateChangeTimestamp) > (n.State == MemberState.Left ? _options.GossipToTheDeadTime : _options.ReconnectTimeout))
            {
                _probeList.RemoveAt(i);
                _nodes.Remove(n.Name);
                PublishRemoved(n);
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
        Stats.Probe();
        var seq = ++_sequence;
        var h = new AckHandler { Target = target };
        _acks[seq] = h;
        _writer.Reset();
        MessageCodec.Write(_writer, new PingMessage(seq, target.Name, _local!.Name, _local.Address));
        // As memberlist: tell a suspect it is suspected, so it can refute even if the rumour died out.
        if (target.State == MemberState.Suspect)
        {
            MessageCodec.Write(_writer, new SuspectMessage(target.Incarnation, target.Name, _local.Name));
        }

        SendWithPiggyback(target.Address, _writer);
        var timeout = _awareness.Scale(_options.ProbeTimeout);
        h.Timer = _time.CreateTimer(_ => ProbeTimedOut(seq), null, timeout, Timeout.InfiniteTimeSpan);
        h.DeadlineTimer = _time.CreateTimer(_ => ProbeDeadline(seq), null, interval, Timeout.InfiniteTimeSpan);
    }

    /// <summary>No direct ack in time: ask k others to probe (with nacks) and try a stream ping.</summary>
    private void ProbeTimedOut(uint seq)
    {
        lock (_gate)
        {
            if (_stopped || !_acks.TryGetValue(seq, out var h) || h.Acked || h.IsRelay)
            {
                return;
            }

            var target = h.Target!;
            foreach (var relay in RandomNodes(_options.IndirectChecks, target))
            {
                Stats.IndirectProbe();
                h.ExpectedNacks++;
                _writer.Reset();
                MessageCodec.Write(_writer, new IndirectPingMessage(seq, target.Name, target.Address, true, _local!.Name, _local.Address));
                SendWithPiggyback(relay.Address, _writer);
            }

            if (_options.TcpFallbackPing)
            {
                _writer.Reset();
                MessageCodec.Write(_writer, new PingMessage(seq, target.Name, _local!.Name, _local.Address));
                var request = PacketEnvelope.Seal(_writer.WrittenSpan, _label, _keyring);
                Stats.StreamOut(request.Length);
                var remaining = _awareness.Scale(_options.ProbeInterval) - _awareness.Scale(_options.ProbeTimeout);
                _transport.BeginExchange(target.Address, request, remaining, response => FallbackPingDone(seq, response));
            }
        }
    }

    private void FallbackPingDone(uint seq, byte[]? response)
    {
        if (response is null)
        {
            return;
        }

        Stats.StreamBytesIn(response.Length);
        if (!PacketEnvelope.TryOpen(response, _label, _keyring, out var body, out var reason))
        {
            Stats.Drop(reason);
            return;
        }

        var r = new WireReader(body.Span);
        if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload) || type != MessageType.Ack ||
            !MessageCodec.TryReadSeq(payload, out var ackSeq) || ackSeq != seq)
        {
            return;
        }

        lock (_gate)
        {
            if (_acks.TryGetValue(seq, out var h) && !h.IsRelay)
            {
                h.Acked = true;
            }
        }
    }

    /// <summary>End of the probe round: adjust local health and suspect the target if nothing answered.</summary>
    private void ProbeDeadline(uint seq)
    {
        lock (_gate)
        {
            if (_stopped || !_acks.Remove(seq, out var h))
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

            Stats.ProbeFailed();
            // With relays we can tell "they are dead" from "we are slow": missing nacks blame us.
            var delta = h.ExpectedNacks > 0 ? Math.Max(0, h.ExpectedNacks - h.Nacks) : 1;
            _awareness.Apply(delta);
            var target = h.Target!;
            // Also when already suspected: our failed probe is an independent confirmation.
            if (target.State is MemberState.Alive or MemberState.Suspect)
            {
                SuspectNode(new SuspectMessage(target.Incarnation, target.Name, _local!.Name));
            }
        }

        FlushEvents();
    }

    private void OnAck(uint seq)
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
        SendWithPiggyback(h.RequesterAddress, _writer);
    }

    private void OnNack(uint seq)
    {
        if (_acks.TryGetValue(seq, out var h) && !h.IsRelay)
        {
            h.Nacks++;
        }
    }

    private void OnPing(in PingMessage ping, string from)
    {
        if (ping.Target.Length > 0 && ping.Target != _local!.Name)
        {
            Stats.Drop(DropReason.WrongTarget);
            return;
        }

        _writer.Reset();
        MessageCodec.Write(_writer, new AckMessage(ping.Seq));
        SendWithPiggyback(ping.SourceAddress.Length > 0 ? ping.SourceAddress : from, _writer);
    }

    private void OnIndirectPing(in IndirectPingMessage req, string from)
    {
        var seq = ++_sequence;
        var h = new AckHandler
        {
            IsRelay = true,
            OriginalSeq = req.Seq,
            RequesterAddress = req.SourceAddress.Length > 0 ? req.SourceAddress : from,
            WantNack = req.WantNack,
        };
        _acks[seq] = h;
        _writer.Reset();
        MessageCodec.Write(_writer, new PingMessage(seq, req.Target, _local!.Name, _local.Address));
        SendWithPiggyback(req.TargetAddress, _writer);
        h.Timer = _time.CreateTimer(_ => RelayTimedOut(seq), null, _options.ProbeTimeout, Timeout.InfiniteTimeSpan);
    }

    private void RelayTimedOut(uint seq)
    {
        lock (_gate)
        {
            if (_stopped || !_acks.Remove(seq, out var h))
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
            SendWithPiggyback(h.RequesterAddress, _writer);
        }
    }

    /// <summary>Up to k distinct random live members other than local and <paramref name="exclude"/>.</summary>
    private List<NodeState> RandomNodes(int k, NodeState? exclude)
    {
        _pickBuffer.Clear();
        var n = _probeList.Count;
        for (var tries = 0; tries < 3 * n && _pickBuffer.Count < k; tries++)
        {
            var c = _probeList[_random.Next(n)];
            if (c == _local || c == exclude || c.State != MemberState.Alive || _pickBuffer.Contains(c))
            {
                continue;
            }

            _pickBuffer.Add(c);
        }

        return _pickBuffer;
    }
}
