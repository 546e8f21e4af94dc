using System.Buffers;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Writes on a primary wait for their replicas: the keys a top-level write touched are exported
/// into this batch's <see cref="ReplicationBatch"/>, sent when the batch drains, and the reply is
/// held in the <see cref="Replies"/> until the write quorum acknowledged it.
/// </summary>
internal sealed partial class ClientSession
{
    private const long MaxReplicationBatchBytes = 4 * 1024 * 1024;
    private ArrayBufferWriter<byte>? _scratch;
    private ReplicationBatch? _replication;

    /// <summary>Sends this batch's writes to the replicas, then writes the waiting replies in order to the connection's output.</summary>
    public ValueTask DrainAsync()
    {
        SendReplication();
        return Replies.DrainAsync();
    }

    /// <summary>Runs a command with its reply captured instead of written: the reply now, or once its replicas acknowledged.</summary>
    internal Task<byte[]> RunCaptured(CommandDefinition command, in RespRequest request)
    {
        var output = new ArrayBufferWriter<byte>();
        Task<byte[]>? waiting = null;
        using (Replies.Redirect(output))
        {
            // Run at drain time (a fallback for an unreachable primary, a hand-off wait, a split's
            // part here): the quorum may have gone since the command was routed.
            if (!RefusedWithoutQuorum(command, request))
            {
                waiting = RunAndReplicate(command, request);
            }
        }

        return waiting ?? Task.FromResult(output.WrittenSpan.ToArray());
    }

    /// <summary>Runs a command at drain time (its turn in the reply order), replicating a write as usual.</summary>
    private async Task<byte[]> RunHereNowAsync(CommandDefinition command, QueuedRequest request)
    {
        Task<byte[]> reply;
        using (Keys.Enter())
        {
            reply = RunCaptured(command, request.AsRequest());
        }

        SendReplication();
        return await reply.ConfigureAwait(false);
    }

    /// <summary>Runs a top-level command; a write that changed keys on a primary waits for its replicas.</summary>
    private void RunReplicated(CommandDefinition command, in RespRequest request)
    {
        if (RunAndReplicate(command, request) is { } waiting)
        {
            Replies.Defer(waiting);
        }
    }

    /// <summary>Runs a command; when it must wait for replicas, returns its reply to come instead of writing it.</summary>
    private Task<byte[]>? RunAndReplicate(CommandDefinition command, in RespRequest request)
    {
        if (Server.Replication is not { Active: true } replication
            || !(command.HasFlag(CommandFlags.Write | CommandFlags.MayReplicate) || command.Id == CommandId.Exec))
        {
            Run(command, request);
            return null;
        }

        _scratch ??= new ArrayBufferWriter<byte>();
        _scratch.Clear();
        Keys.BeginCapture();
        using (Replies.Redirect(_scratch))
        {
            Run(command, request);
        }

        var touched = Keys.EndCapture();
        var reply = _scratch.WrittenSpan;
        if (touched.Count == 0 || !replication.Collect(ref _replication, Keys, touched, DeltaReplication.Of(command, request, Keys, touched, reply)))
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

    /// <summary>
    /// Refuses, before it runs, a keyed write (or EXEC) of a slot whose write quorum this node
    /// cannot reach among the slot's voters, and with <c>--minority-reads refuse</c> a client's
    /// keyed read of it: NOREPLICAS for writes, CLUSTERDOWN for reads, as Redis Cluster. A write
    /// refused this way leaves nothing behind to overwrite, after the heal, a write the majority
    /// acknowledged. Peers' reads (quorum reads, forwarded reads) are served: the asking node
    /// decides for its client.
    /// </summary>
    private bool RefusedWithoutQuorum(CommandDefinition command, in RespRequest request)
    {
        if (Server.Replication is not { } replication || (command.FirstKey <= 0 && !command.Keys.IsMovable && command.Id != CommandId.Exec))
        {
            return false;
        }

        // A script that may write (EVAL, EVALSHA) counts as a write, as EXEC does.
        var write = command.HasFlag(CommandFlags.Write) || command.HasFlag(CommandFlags.MayReplicate) || command.Id == CommandId.Exec;
        if (!write && (!command.HasFlag(CommandFlags.ReadOnly) || Connection.IsPeer || Server.Settings.AllowMinorityReads || Transaction.InMulti))
        {
            return false;
        }

        var slot = command.Id == CommandId.Exec ? Transaction.PinnedSlot : FirstKeySlot(command, request);
        if (replication.Quorum.Reachable(slot))
        {
            return false;
        }

        replication.Stats.RefusedNoQuorum(write);
        Reject(write ? "NOREPLICAS Not enough good replicas to write." : "CLUSTERDOWN The cluster is down", command);
        return true;
    }

    // The slot of the command's first key; for movable keys (LMPOP, ZMPOP, EVAL) the first one its
    // key specs find; -1 when it has none (EVAL with numkeys 0): then it needs a majority of all voters.
    private static int FirstKeySlot(CommandDefinition command, in RespRequest request)
    {
        if (!command.Keys.IsMovable)
        {
            return command.FirstKey < request.Count ? Gossip.Ring.HashSlot.ForKey(request[command.FirstKey]) : -1;
        }

        Span<int> first = stackalloc int[1];
        return command.Keys.GetKeyPositions(request, first) > 0 ? Gossip.Ring.HashSlot.ForKey(request[first[0]]) : -1;
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
}
