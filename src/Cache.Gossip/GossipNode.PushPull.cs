using Cache.Gossip.Protocol;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>Full state exchange over the stream transport: on join and periodically, so partitions heal.</summary>
public sealed partial class GossipNode
{
    private void PushPullTick()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            if (!_leaving && RandomNodes(1, null) is [var peer])
            {
                BeginPushPull(peer.Address, join: false, done: null);
            }
            // Serf's reconnect: also try one failed member, so a healed partition merges back.
            if (!_leaving && RandomDeadNode() is { } dead)
            {
                BeginPushPull(dead.Address, join: false, done: null);
            }

            _pushPullTimer?.Change(PushPullScale(_options.PushPullInterval, ClusterSize), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>memberlist's pushPullScale: beyond 32 members, the interval grows with log2(n/32) + 1.</summary>
    internal static TimeSpan PushPullScale(TimeSpan interval, int n)
    {
        const int threshold = 32;
        if (n <= threshold)
        {
            return interval;
        }

        var mult = Math.Ceiling(Math.Log2(n) - Math.Log2(threshold)) + 1.0;
        return interval * mult;
    }

    /// <summary>Starts join exchanges with already-resolved addresses without awaiting (simulations drive the clock).</summary>
    internal void StartJoin(params string[] addresses)
    {
        lock (_gate)
        {
            foreach (var a in addresses)
            {
                if (a != _transport.LocalAddress)
                {
                    BeginPushPull(a, join: true, done: null);
                }
            }
        }
    }

    private void FollowUpPushPull(string seed)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _nodes.TryGetValue(seed, out var exclude);
            if (RandomNodes(1, exclude) is [var peer])
            {
                BeginPushPull(peer.Address, join: false, done: null);
            }
        }
    }

    private NodeState? RandomDeadNode()
    {
        var dead = 0;
        foreach (var c in _probeList)
        {
            if (c.State == MemberState.Dead)
            {
                dead++;
            }
        }

        if (dead == 0)
        {
            return null;
        }

        var pick = _random.Next(dead);
        foreach (var c in _probeList)
        {
            if (c.State == MemberState.Dead && pick-- == 0)
            {
                return c;
            }
        }

        return null;
    }

    private Task<bool> PushPullAsync(string address, bool join)
    {
        var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            BeginPushPull(address, join, ok => tcs.TrySetResult(ok));
        }

        return tcs.Task;
    }

    private void BeginPushPull(string address, bool join, Action<bool>? done)
    {
        var request = EncodeLocalState(join);
        Stats.StreamOut(request.Length);
        _transport.BeginExchange(address, request, _options.StreamTimeout, response => PushPullDone(address, join, response, done));
    }

    private void PushPullDone(string address, bool join, byte[]? response, Action<bool>? done)
    {
        var ok = false;
        try
        {
            if (response is null)
            {
                Log.PushPullFailed(_logger, address);
                return;
            }

            Stats.StreamBytesIn(response.Length);
            if (!PacketEnvelope.TryOpen(response, _label, _keyring, out var body, out var reason))
            {
                Stats.Drop(reason);
                return;
            }

            var r = new WireReader(body.Span);
            if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload) || type != MessageType.PushPull ||
                !MessageCodec.TryReadPushPull(payload, out _, out var sender, out var entries))
            {
                Stats.Drop(DropReason.Malformed);
                return;
            }

            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                MergeRemoteState(sender, entries, joining: join);
                Stats.PushPull();
                // The seed's view may have gaps (rumours it missed); since a joiner does not re-gossip what
                // it learned, one more exchange with someone else shortly after fills them.
                if (join && _followUpTimer is null)
                {
                    _followUpTimer = _time.CreateTimer(_ => FollowUpPushPull(sender), null, _options.GossipInterval * 10, Timeout.InfiniteTimeSpan);
                }
            }

            ok = true;
            FlushEvents();
        }
        finally
        {
            done?.Invoke(ok);
        }
    }

    private byte[] EncodeLocalState(bool join)
    {
        var entries = new List<PushPullEntry>(_nodes.Count);
        foreach (var n in _probeList)
        {
            entries.Add(new PushPullEntry(n.Name, n.Address, n.Incarnation, n.State, n.Metadata));
        }

        _writer.Reset();
        MessageCodec.WritePushPull(_writer, join, _local!.Name, entries);
        return PacketEnvelope.Seal(_writer.WrittenSpan, _label, _keyring, deflate: _options.CompressStreams && _writer.Length > 1024);
    }

    /// <summary>memberlist's mergeState: alive as alive, left as left, dead and suspect both as suspicion.</summary>
    private void MergeRemoteState(string sender, List<PushPullEntry> entries, bool joining = false)
    {
        foreach (var e in entries)
        {
            // The partner answered us, which beats any rumour that it died at this incarnation.
            if (e.Name == sender && e.State == MemberState.Alive && _nodes.TryGetValue(e.Name, out var known) &&
                known.State == MemberState.Dead && known.Incarnation == e.Incarnation && known.Address == e.Address)
            {
                ApplyAlive(known, new AliveMessage(e.Incarnation, e.Name, e.Address, e.Metadata), isNew: false);
                continue;
            }

            switch (e.State)
            {
                case MemberState.Alive:
                    AliveNode(new AliveMessage(e.Incarnation, e.Name, e.Address, e.Metadata), joining);
                    break;
                case MemberState.Left:
                    DeadNode(new DeadMessage(e.Incarnation, e.Name, e.Name));
                    break;
                default:
                    // A remote "dead" only makes us suspect, so the member gets a chance to refute.
                    SuspectNode(new SuspectMessage(e.Incarnation, e.Name, _local!.Name));
                    break;
            }
        }
    }
}
