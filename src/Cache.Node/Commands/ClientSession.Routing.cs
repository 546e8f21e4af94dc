using System.Buffers;
using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Cluster routing of one client's commands, and replies that wait for another node: a command
/// forwarded to its key's owner, or a write held until the write quorum acknowledged it. Replies
/// stay in request order: once one waits, later local replies are buffered behind it until the
/// connection loop drains them outside the key space gate.
/// </summary>
internal sealed partial class ClientSession
{
    private readonly Queue<Func<Task<byte[]>>> _deferred = new();   // started when reached, in order
    private IBufferWriter<byte> _current = null!;
    private ArrayBufferWriter<byte>? _tail;
    private ArrayBufferWriter<byte>? _scratch;
    private const long MaxReplicationBatchBytes = 4 * 1024 * 1024;
    private Cluster.ReplicationBatch? _replication;
    private int _multiSlot = -1;
    private string? _multiForwardTo;

    /// <summary>Replies wait for other nodes; the connection loop must <see cref="DrainAsync"/> before flushing.</summary>
    public bool HasDeferred => _deferred.Count > 0;

    /// <summary>Replies (and buffered runs of local replies) queued behind other nodes in this batch.</summary>
    public int DeferredCount => _deferred.Count;

    /// <summary>Writes the waiting replies, in order, to the connection's output once each is ready.</summary>
    public async ValueTask DrainAsync()
    {
        SendReplication();
        SealTail();
        while (_deferred.TryDequeue(out var reply))
        {
            byte[] bytes;
            try
            {
                bytes = await reply().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                bytes = Encoding.UTF8.GetBytes($"-TRYAGAIN {OneLine(ex.Message)}\r\n");
            }

            _output.Write(bytes);
        }

        _current = _output;
        Reply.Reset(_output);
    }

    /// <summary>Queues a reply that arrives later; replies written after it wait behind it.</summary>
    private void Defer(Task<byte[]> reply)
    {
        Defer(() => reply);
    }

    /// <summary>Queues a reply produced only when the drain reaches it (after every reply before it was written).</summary>
    private void Defer(Func<Task<byte[]>> reply)
    {
        SealTail();
        _deferred.Enqueue(reply);
        _tail ??= new ArrayBufferWriter<byte>();
        _current = _tail;
        Reply.Reset(_tail);
    }

    private void SealTail()
    {
        if (_tail is { WrittenCount: > 0 } tail && _deferred.Count > 0)
        {
            var bytes = Task.FromResult(tail.WrittenSpan.ToArray());
            _deferred.Enqueue(() => bytes);
            tail.Clear();
        }
    }

    /// <summary>Runs a top-level command; a write that changed keys on a primary waits for its replicas.</summary>
    private void RunReplicated(CommandDefinition command, in RespRequest request)
    {
        if (RunAndReplicate(command, request) is { } waiting)
        {
            Defer(waiting);
        }
    }

    /// <summary>Runs a command; when it must wait for replicas, returns its reply to come instead of writing it.</summary>
    private Task<byte[]>? RunAndReplicate(CommandDefinition command, in RespRequest request)
    {
        if (Server.Replication is not { Active: true } replication
            || !(command.HasFlag(CommandFlags.Write) || command.Id == CommandId.Exec))
        {
            Run(command, request);
            return null;
        }

        _scratch ??= new ArrayBufferWriter<byte>();
        _scratch.Clear();
        Reply.Reset(_scratch);
        Keys.BeginCapture();
        try
        {
            Run(command, request);
        }
        finally
        {
            Reply.Reset(_current);
        }

        var touched = Keys.EndCapture();
        var reply = _scratch.WrittenSpan;
        if (touched.Count == 0 || !replication.Collect(ref _replication, Keys, touched))
        {
            Reply.WriteRaw(reply);
            return null;
        }

        var waiting = Replicator.ReplyAfterAsync(_replication!.Done, reply.ToArray());
        if (_replication.Bytes >= MaxReplicationBatchBytes)
        {
            SendReplication();
        }

        return waiting;
    }

    /// <summary>Sends the writes collected in this batch to the other owners (the replies wait on it).</summary>
    private void SendReplication()
    {
        if (_replication is { } batch)
        {
            _replication = null;
            Server.Replication!.Send(batch);
        }
    }

    /// <summary>
    /// Decides where a keyed command runs while the ring has several nodes: here (this node is the
    /// slot's primary, or holds a copy and the client said READONLY), MOVED for clients that route
    /// themselves, forwarded to the primary for everyone else. All keys must share one slot
    /// (CROSSSLOT otherwise), and a transaction stays in one slot. False when the command was answered.
    /// </summary>
    private bool Route(ClusterMembership cluster, CommandDefinition command, in RespRequest request)
    {
        var ring = cluster.Ring;
        if (ring.Nodes.Count <= 1 || command.FirstKey >= request.Count)
        {
            return true;
        }

        if (IsPeer)
        {
            // Served here whatever our ring says, but not before a hand-off of the slot is in. A
            // peer forwarding a slot we do not hold means its ring and ours disagree (a change
            // still spreading): counted, so a lasting disagreement shows in INFO cluster.
            var peerSlot = HashSlot.ForKey(request[command.FirstKey]);
            if (!ring.OwnerIndices(peerSlot).Contains(cluster.IndexIn(ring)))
            {
                Server.Replication?.Stats.RingDisagreementOnce();
            }

            return !HeldForHandOff(peerSlot, command, request);
        }

        var last = command.LastKey < 0 ? request.Count + command.LastKey : Math.Min(command.LastKey, request.Count - 1);
        var step = Math.Max(1, command.Step);
        var slot = HashSlot.ForKey(request[command.FirstKey]);
        for (var i = command.FirstKey + step; i <= last; i += step)
        {
            if (HashSlot.ForKey(request[i]) != slot)
            {
                if (!ClusterAware && !InMulti && CanSplit(command))
                {
                    Split(cluster, command, request);
                    return false;
                }

                Reject("CROSSSLOT Keys in request don't hash to the same slot");
                return false;
            }
        }

        if (InMulti)
        {
            if (MultiQueue!.Count == 0 || _multiSlot < 0)
            {
                _multiSlot = slot;
            }
            else if (_multiSlot != slot)
            {
                Reject("CROSSSLOT Keys in request don't hash to the same slot");
                return false;
            }
        }

        var owners = ring.OwnerIndices(slot);
        var self = cluster.IndexIn(ring);
        if (owners[0] == self && Server.Settings.ReadQuorum > 1 && owners.Length > 1 && !InMulti
            && command.HasFlag(CommandFlags.ReadOnly) && command.FirstKey == command.LastKey)
        {
            ReadWithQuorum(cluster, ring, owners, command, request);
            return false;
        }

        if (owners[0] == self || (ReadFromReplica && command.HasFlag(CommandFlags.ReadOnly) && owners.Contains(self)))
        {
            return !HeldForHandOff(slot, command, request);
        }

        if (owners.Contains(self) && command.Name != "watch" && PrimaryLooksDown(cluster, ring.Nodes[owners[0]].Id))
        {
            // The primary stopped answering probes, or our replication to it broke: a node with a
            // copy serves its slots (and coordinates their writes) until gossip decides, rather
            // than redirect or forward clients to a node that is probably dead.
            Server.Replication?.Stats.RanForUnreachablePrimaryOnce();
            return !HeldForHandOff(slot, command, request);
        }

        var endpoint = cluster.RespEndpointOf(ring.Nodes[owners[0]].Id) ?? ring.Nodes[owners[0]].Id;
        if (ClusterAware || command.Id == CommandId.Watch)
        {
            // WATCH belongs to this connection, so it cannot be forwarded: the client must go to the owner.
            Reject($"MOVED {slot} {endpoint}");
            return false;
        }

        if (InMulti)
        {
            // The whole transaction goes to the owner at EXEC; here it is only queued.
            _multiForwardTo = endpoint;
            return true;
        }

        Forward(endpoint, request, owners.Contains(self) ? command : null);
        return false;
    }

    /// <summary>
    /// A command on a slot whose hand-off is still being pulled runs once the pull is in (or
    /// --replication-timeout passed), at its turn in the reply order; the batch ends with it.
    /// </summary>
    private bool HeldForHandOff(int slot, CommandDefinition command, in RespRequest request)
    {
        if (InMulti || Server.HandOff?.WhenReady(slot) is not { } ready)
        {
            return false;
        }

        var queued = request.ToQueued();
        EndBatch = true;
        Defer(() => RunWhenHandedOffAsync(ready, command, queued));
        return true;
    }

    private async Task<byte[]> RunWhenHandedOffAsync(Task ready, CommandDefinition command, QueuedRequest request)
    {
        await ready.WaitAsync(Server.Settings.ReplicationTimeout, Server.Time)
            .ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return await RunHereNowAsync(command, request).ConfigureAwait(false);
    }

    private bool PrimaryLooksDown(ClusterMembership cluster, string primary) =>
        cluster.IsSuspect(primary)
        || (cluster.RespEndpointOf(primary) is { } endpoint
            && Server.Peers!.LooksDown(endpoint, Server.Settings.ReplicationTimeout));

    /// <summary>
    /// Sends a command to its slot's primary. When this node holds a copy of the slot
    /// (<paramref name="fallback"/> set) and the primary cannot be reached, the command runs here
    /// instead, this node coordinating the write for the dead primary's replicas: versions merge
    /// last-writer-wins, so a key written by two coordinators converges, and the client does not
    /// wait out failure detection. (Two coordinators can lose one of two concurrent INCRs.)
    /// </summary>
    private void Forward(string endpoint, in RespRequest request, CommandDefinition? fallback = null)
    {
        var args = new ReadOnlyMemory<byte>[request.Count];
        for (var i = 0; i < args.Length; i++)
        {
            args[i] = request[i].ToArray();
        }

        Server.Replication?.Stats.ForwardedOne();
        var sent = Server.Peers!.Get(endpoint, Reply.Protocol).SendRawAsync(args);
        if (fallback is null)
        {
            Defer(Relay(sent, endpoint));
            return;
        }

        var queued = request.ToQueued();
        Defer(() => RelayOrRunHereAsync(sent, endpoint, fallback, queued));
    }

    private async Task<byte[]> RelayOrRunHereAsync(Task<byte[]> sent, string endpoint, CommandDefinition command, QueuedRequest request)
    {
        try
        {
            return await sent.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Cache.Client.Resp.RespConnectionException or TimeoutException)
        {
            Server.Replication?.Stats.ForwardFailedOnce();
            Server.Replication?.Stats.RanForUnreachablePrimaryOnce();
        }

        return await RunHereNowAsync(command, request).ConfigureAwait(false);
    }

    /// <summary>Runs a command at drain time (its turn in the reply order), replicating a write as usual.</summary>
    private async Task<byte[]> RunHereNowAsync(CommandDefinition command, QueuedRequest request)
    {
        Task<byte[]> reply;
        using (Keys.Gate.EnterScope())
        {
            reply = RunCaptured(command, request.AsRequest());
        }

        SendReplication();
        return await reply.ConfigureAwait(false);
    }

    /// <summary>Runs a command with its reply captured instead of written: the reply now, or once its replicas acknowledged.</summary>
    private Task<byte[]> RunCaptured(CommandDefinition command, in RespRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        var saved = _current;
        _current = output;
        Reply.Reset(output);
        Task<byte[]>? waiting;
        try
        {
            waiting = RunAndReplicate(command, request);
        }
        finally
        {
            _current = saved;
            Reply.Reset(saved);
        }

        return waiting ?? Task.FromResult(output.WrittenSpan.ToArray());
    }

    /// <summary>EXEC of a transaction whose keys another node owns: MULTI, the queue and EXEC go there together.</summary>
    private bool TryForwardTransaction(CommandDefinition command)
    {
        if (command.Id != CommandId.Exec || _multiForwardTo is not { } endpoint || MultiQueue is not { } queue || MultiFailed)
        {
            if (command.Id is CommandId.Exec or CommandId.Discard)
            {
                _multiForwardTo = null;
                _multiSlot = -1;
            }

            return false;
        }

        _multiForwardTo = null;
        _multiSlot = -1;
        MultiQueue = null;
        MultiFailed = false;

        // WATCHed keys live here (WATCH of another node's key is MOVED): as EXEC, a watched key
        // that changed (or expired) since WATCH aborts the transaction before anything is sent.
        foreach (var key in Watch.Keys)
        {
            Keys.Exists(key);
        }

        var dirty = Watch.Dirty;
        Keys.Unwatch(Watch);
        if (dirty)
        {
            Reply.NullArray();
            return true;
        }

        // Sent back to back under the key space gate, which every sender on this link holds, so
        // no other request can land inside the transaction on the shared link; and as one group,
        // so a reconnection cannot send the queued commands without their MULTI.
        var commands = new List<ReadOnlyMemory<byte>[]>(queue.Count + 2) { new ReadOnlyMemory<byte>[] { "MULTI"u8.ToArray() } };
        foreach (var (_, queued) in queue)
        {
            var request = queued.AsRequest();
            var args = new ReadOnlyMemory<byte>[request.Count];
            for (var i = 0; i < args.Length; i++)
            {
                args[i] = request[i].ToArray();
            }

            commands.Add(args);
        }

        commands.Add(["EXEC"u8.ToArray()]);
        var replies = Server.Peers!.Get(endpoint, Reply.Protocol).SendRawAsync(commands);
        for (var i = 0; i < replies.Length - 1; i++)
        {
            // MULTI's and each QUEUED reply: the client already had its own; only EXEC's matters.
            _ = Relay(replies[i], endpoint);
        }

        Server.Replication?.Stats.ForwardedOne();
        Defer(Relay(replies[^1], endpoint));
        return true;
    }

    private async Task<byte[]> Relay(Task<byte[]> reply, string endpoint)
    {
        try
        {
            return await reply.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Server.Replication?.Stats.ForwardFailedOnce();
            return Encoding.UTF8.GetBytes($"-TRYAGAIN the key's owner {endpoint} did not answer ({OneLine(ex.Message)}); retry once the cluster has noticed, within a few seconds\r\n");
        }
    }

    private static string OneLine(string text) => text.Replace('\r', ' ').Replace('\n', ' ');
}
