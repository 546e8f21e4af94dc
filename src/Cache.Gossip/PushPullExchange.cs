using Cache.Gossip.Protocol;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

// Full state exchange over the stream transport: on join and periodically, so partitions heal.
// Its timers are guarded by the node's gate; merging remote state runs under it.
internal sealed class PushPullExchange(GossipNode node, Prober prober)
{
    private readonly GossipOptions _options = node.Options;
    private readonly TimeProvider _time = node.Time;
    private ITimer? _pushPullTimer, _followUpTimer;

    // memberlist's pushPullScale: beyond 32 members, the interval grows with log2(n/32) + 1.
    public static TimeSpan Scale(TimeSpan interval, int n)
    {
        const int threshold = 32;
        if (n <= threshold)
        {
            return interval;
        }

        var mult = Math.Ceiling(Math.Log2(n) - Math.Log2(threshold)) + 1.0;
        return interval * mult;
    }

    // Under the gate, at start.
    public void Start(TimeSpan firstDelay) =>
        _pushPullTimer = _time.CreateTimer(_ => PushPullTick(), null, firstDelay, Timeout.InfiniteTimeSpan);

    // Under the gate, at dispose.
    public void Stop()
    {
        _pushPullTimer?.Dispose();
        _followUpTimer?.Dispose();
    }

    public async ValueTask<int> JoinAsync(IEnumerable<string> seeds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        if (node.Local is null)
        {
            throw new InvalidOperationException("Start the node before joining.");
        }

        var transport = node.Transport;
        var list = seeds.ToList();
        var backoff = _options.JoinInitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            var contacted = 0;
            foreach (var seed in list)
            {
                IReadOnlyList<string> addresses;
                try
                {
                    addresses = await transport.ResolveAsync(seed, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException or FormatException)
                {
                    GossipLog.SeedUnresolved(node.Logger, seed, ex.Message);
                    continue;
                }

                foreach (var address in addresses)
                {
                    if (address == transport.LocalAddress)
                    {
                        continue;
                    }

                    if (await PushPullAsync(address, join: true).WaitAsync(cancellationToken).ConfigureAwait(false))
                    {
                        contacted++;
                        break;
                    }
                }
            }

            if (contacted > 0 || list.Count == 0)
            {
                return contacted;
            }

            if (_options.JoinMaxAttempts > 0 && attempt >= _options.JoinMaxAttempts)
            {
                GossipLog.JoinGaveUp(node.Logger, attempt);
                return 0;
            }

            GossipLog.JoinRetry(node.Logger, attempt, backoff);
            await Task.Delay(backoff, _time, cancellationToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.JoinMaxBackoff.Ticks));
        }
    }

    // Starts join exchanges with already-resolved addresses without awaiting (simulations drive the clock).
    public void StartJoin(string[] addresses)
    {
        lock (node.Gate)
        {
            foreach (var a in addresses)
            {
                if (a != node.Transport.LocalAddress)
                {
                    BeginPushPull(a, join: true, done: null);
                }
            }
        }
    }

    // Under the gate: answers a peer's exchange with our state as it was before merging theirs, as memberlist does.
    public byte[] Answer(bool join, string sender, List<PushPullEntry> entries)
    {
        var response = EncodeLocalState(join);
        MergeRemoteState(sender, entries);
        return response;
    }

    private void PushPullTick()
    {
        lock (node.Gate)
        {
            if (node.IsStopped)
            {
                return;
            }

            if (!node.IsLeaving && prober.RandomNodes(1, null) is [var peer])
            {
                BeginPushPull(peer.Address, join: false, done: null);
            }
            // Serf's reconnect: also try one failed member, so a healed partition merges back.
            if (!node.IsLeaving && RandomDeadNode() is { } dead)
            {
                BeginPushPull(dead.Address, join: false, done: null);
            }

            _pushPullTimer?.Change(Scale(_options.PushPullInterval, node.ClusterSize), Timeout.InfiniteTimeSpan);
        }
    }

    private void FollowUpPushPull(string seed)
    {
        lock (node.Gate)
        {
            if (node.IsStopped)
            {
                return;
            }

            node.Nodes.TryGetValue(seed, out var exclude);
            if (prober.RandomNodes(1, exclude) is [var peer])
            {
                BeginPushPull(peer.Address, join: false, done: null);
            }
        }
    }

    private NodeState? RandomDeadNode()
    {
        var probeList = node.ProbeList;
        var dead = 0;
        foreach (var c in probeList)
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

        var pick = node.Random.Next(dead);
        foreach (var c in probeList)
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
        lock (node.Gate)
        {
            BeginPushPull(address, join, ok => tcs.TrySetResult(ok));
        }

        return tcs.Task;
    }

    private void BeginPushPull(string address, bool join, Action<bool>? done)
    {
        var request = EncodeLocalState(join);
        node.Stats.StreamOut(request.Length);
        node.Transport.BeginExchange(address, request, _options.StreamTimeout, response => PushPullDone(address, join, response, done));
    }

    private void PushPullDone(string address, bool join, byte[]? response, Action<bool>? done)
    {
        var ok = false;
        try
        {
            if (response is null)
            {
                GossipLog.PushPullFailed(node.Logger, address);
                return;
            }

            if (!node.TryOpenStreamReply(response, out var body))
            {
                return;
            }

            var r = new WireReader(body.Span);
            if (!MessageCodec.TryReadFrame(ref r, out var type, out var payload) || type != MessageType.PushPull ||
                !MessageCodec.TryReadPushPull(payload, out _, out var sender, out var entries))
            {
                node.Stats.Drop(DropReason.Malformed);
                return;
            }

            lock (node.Gate)
            {
                if (node.IsStopped)
                {
                    return;
                }

                MergeRemoteState(sender, entries, joining: join);
                node.Stats.PushPull();
                // The seed's view may have gaps (rumours it missed); since a joiner does not re-gossip what
                // it learned, one more exchange with someone else shortly after fills them.
                if (join && _followUpTimer is null)
                {
                    _followUpTimer = _time.CreateTimer(_ => FollowUpPushPull(sender), null, _options.GossipInterval * 10, Timeout.InfiniteTimeSpan);
                }
            }

            ok = true;
            node.FlushEvents();
        }
        finally
        {
            done?.Invoke(ok);
        }
    }

    private byte[] EncodeLocalState(bool join)
    {
        var entries = new List<PushPullEntry>(node.Nodes.Count);
        foreach (var n in node.ProbeList)
        {
            entries.Add(new PushPullEntry(n.Name, n.Address, n.Incarnation, n.State, n.Metadata));
        }

        var writer = node.Writer;
        writer.Reset();
        MessageCodec.WritePushPull(writer, join, node.Local!.Name, entries);
        return node.Seal(writer, deflate: _options.CompressStreams && writer.Length > 1024);
    }

    // memberlist's mergeState: alive as alive, left as left, dead and suspect both as suspicion.
    private void MergeRemoteState(string sender, List<PushPullEntry> entries, bool joining = false)
    {
        foreach (var e in entries)
        {
            // The partner answered us, which beats any rumour that it died at this incarnation.
            if (e.Name == sender && e.State == MemberState.Alive && node.Nodes.TryGetValue(e.Name, out var known) &&
                known.State == MemberState.Dead && known.Incarnation == e.Incarnation && known.Address == e.Address)
            {
                node.ApplyAlive(known, new AliveMessage(e.Incarnation, e.Name, e.Address, e.Metadata), isNew: false);
                continue;
            }

            switch (e.State)
            {
                case MemberState.Alive:
                    node.AliveNode(new AliveMessage(e.Incarnation, e.Name, e.Address, e.Metadata), joining);
                    break;
                case MemberState.Left:
                    node.DeadNode(new DeadMessage(e.Incarnation, e.Name, e.Name));
                    break;
                default:
                    // A remote "dead" only makes us suspect, so the member gets a chance to refute.
                    node.SuspectNode(new SuspectMessage(e.Incarnation, e.Name, node.Local!.Name));
                    break;
            }
        }
    }
}
