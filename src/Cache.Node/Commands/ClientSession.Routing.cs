using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Acting on the router's decision for a keyed command: run it here, now or at its turn once a
/// hand-off is in; answer MOVED or CROSSSLOT; forward it (or, at EXEC, the whole transaction) to
/// the key's owner and relay the reply; split it by owner; or read with a quorum. A reply that
/// waits goes into <see cref="Replies"/>, so the client's replies stay in request order.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>Follows <paramref name="route"/>; false when the command was answered (or its reply deferred) instead of run here now.</summary>
    private bool Follow(in RouteDecision route, CommandDefinition command, in RespRequest request)
    {
        if (Transaction.InMulti && route.Slot >= 0 && route.Kind != RouteKind.CrossSlot)
        {
            // The transaction's keys must stay in this slot.
            Transaction.Pin(route.Slot);
        }

        var stats = Server.Replication?.Stats;
        if (route.Has(RouteFlags.RingDisagreement))
        {
            // A peer forwarding a slot we do not hold: counted, so a lasting disagreement shows in INFO cluster.
            stats?.RingDisagreementOnce();
        }

        if (route.Has(RouteFlags.UnreachablePrimary))
        {
            stats?.RanForUnreachablePrimaryOnce();
        }

        switch (route.Kind)
        {
            case RouteKind.Local:
                return true;
            case RouteKind.ForwardTransaction:
                // The whole transaction goes to the owner at EXEC; here it is only queued.
                Transaction.ForwardTo = route.Endpoint;
                return true;
            case RouteKind.WaitForHandOff when command.HasFlag(CommandFlags.Blocking) && !Connection.IsPeer:
                // A blocking command blocks here at once: the pulled entries, when they land, wake it.
                return true;
            case RouteKind.WaitForHandOff:
                RunWhenHandedOff(route.HandOffReady!, command, request);
                return false;
            case RouteKind.Moved:
                Reject($"MOVED {route.Slot} {route.Endpoint}");
                return false;
            case RouteKind.CrossSlot:
                Reject("CROSSSLOT Keys in request don't hash to the same slot");
                return false;
            case RouteKind.Forward when command.Id is CommandId.Ssubscribe or CommandId.Sunsubscribe:
                // A subscription belongs to this connection and cannot be forwarded: a plain client
                // subscribes here, and SPUBLISH reaches every node (see PubSubFanOut).
                return true;
            case RouteKind.Forward when command.HasFlag(CommandFlags.Blocking) && !Connection.IsPeer:
                ForwardBlocking(route.Endpoint!, command, request);
                return false;
            case RouteKind.Forward:
                if (route.Has(RouteFlags.FallBackHere) && (TrackingMode & TrackingModes.On) != 0)
                {
                    // The primary answers, but this node holds a copy: its changes reach us, so the read is tracked here.
                    RememberReads(command, request);
                }

                Forward(route.Endpoint!, request, route.Has(RouteFlags.FallBackHere) ? command : null);
                return false;
            case RouteKind.Split:
                Replies.Defer(MultiKeySplit.Start(this, command, request, route.Split!));
                return false;
            case RouteKind.QuorumRead:
                EndBatch = true;
                Replies.Defer(QuorumRead.Start(this, command, request, route.QuorumPeers!));
                return false;
            default:
                throw new InvalidOperationException($"Unknown route {route}.");
        }
    }

    /// <summary>
    /// A command on a slot whose hand-off is still being pulled runs once the pull is in (or
    /// --replication-timeout passed), at its turn in the reply order; the batch ends with it.
    /// </summary>
    private void RunWhenHandedOff(Task ready, CommandDefinition command, in RespRequest request)
    {
        var queued = request.ToQueued();
        EndBatch = true;
        Replies.Defer(() => RunWhenHandedOffAsync(ready, command, queued));
    }

    private async Task<byte[]> RunWhenHandedOffAsync(Task ready, CommandDefinition command, QueuedRequest request)
    {
        await ready.WaitAsync(Server.Settings.ReplicationTimeout, Server.Time)
            .ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        return await RunHereNowAsync(command, request).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a command to its slot's primary. When this node holds a copy of the slot
    /// (<paramref name="fallback"/> set) and the primary cannot be reached, the command runs here
    /// instead, this node coordinating the write for the dead primary's replicas: versions merge
    /// last-writer-wins, so a key written by two coordinators converges, and the client does not
    /// wait out failure detection. (Two coordinators can lose one of two concurrent INCRs.)
    /// </summary>
    private void Forward(string endpoint, in RespRequest request, CommandDefinition? fallback)
    {
        var args = ForwardedReply.Arguments(request);
        var stats = Server.Replication?.Stats;
        stats?.ForwardedOne();
        var sent = Server.Peers!.Get(endpoint, Reply.Protocol).SendRawAsync(args);
        if (fallback is null)
        {
            Replies.Defer(ForwardedReply.Relay(sent, endpoint, stats));
            return;
        }

        var queued = request.ToQueued();
        Replies.Defer(() => RelayOrRunHereAsync(sent, fallback, queued));
    }

    private async Task<byte[]> RelayOrRunHereAsync(Task<byte[]> sent, CommandDefinition command, QueuedRequest request)
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

    /// <summary>EXEC of a transaction whose keys another node owns: MULTI, the queue and EXEC go there together.</summary>
    private bool TryForwardTransaction(CommandDefinition command)
    {
        if (command.Id != CommandId.Exec || Transaction.ForwardTo is not { } endpoint || Transaction.Queue is not { } queue || Transaction.Failed)
        {
            if (command.Id is CommandId.Exec or CommandId.Discard)
            {
                Transaction.ForgetRoute();
            }

            return false;
        }

        Transaction.Forget();

        // WATCHed keys live here (WATCH of another node's key is MOVED): as EXEC, a watched key
        // that changed (or expired) since WATCH aborts the transaction before anything is sent.
        var watch = Transaction.Watch;
        foreach (var key in watch.Keys)
        {
            Keys.Exists(key);
        }

        var dirty = watch.Dirty;
        Keys.Unwatch(watch);
        if (dirty)
        {
            Reply.NullArray();
            return true;
        }

        // Sent back to back under the key space gate, which every sender on this link holds, so
        // no other request can land inside the transaction on the shared link; and as one group,
        // so a reconnection cannot send the queued commands without their MULTI.
        var commands = new List<ReadOnlyMemory<byte>[]>(queue.Count + 2) { new ReadOnlyMemory<byte>[] { "MULTI"u8.ToArray() } };
        for (var i = 0; i < queue.Count; i++)
        {
            commands.Add(ForwardedReply.Arguments(queue[i].Request.AsRequest()));
        }

        commands.Add(["EXEC"u8.ToArray()]);
        var stats = Server.Replication?.Stats;
        var replies = Server.Peers!.Get(endpoint, Reply.Protocol).SendRawAsync(commands);
        for (var i = 0; i < replies.Length - 1; i++)
        {
            // MULTI's and each QUEUED reply: the client already had its own; only EXEC's matters.
            _ = ForwardedReply.Relay(replies[i], endpoint, stats);
        }

        stats?.ForwardedOne();
        Replies.Defer(ForwardedReply.Relay(replies[^1], endpoint, stats));
        return true;
    }
}
