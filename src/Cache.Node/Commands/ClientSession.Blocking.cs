using System.Buffers;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Blocking commands: a top-level BLPOP (or BZPOPMIN, ...) that finds nothing registers the
/// client with the server's <see cref="BlockingRegistry"/> and ends the batch; the connection
/// loop flushes what came before, then awaits <see cref="Blocked"/>, and the commands pipelined
/// behind it wait. Inside EXEC (and on a peer's link) the command answers at once instead.
/// </summary>
internal sealed partial class ClientSession
{
    private BlockedClient? _blocker;
    private CommandDefinition? _blockable;

    /// <summary>The block the connection loop must wait out before reading on, or null.</summary>
    public BlockedClient? Blocked => _blocker is { IsBlocked: true } blocked ? blocked : null;

    /// <summary>
    /// True while a blocking command runs as the client's own top-level command, so it may block;
    /// false inside EXEC, when re-run to serve a block, and on a peer's link (which must never stall).
    /// </summary>
    public bool MayBlock => _blockable is not null;

    /// <summary>
    /// Blocks the running command on the keys at arguments [<paramref name="firstKey"/>,
    /// <paramref name="firstKey"/> + <paramref name="keyCount"/>) until one is ready and
    /// <paramref name="serve"/> serves it, or <paramref name="deadlineMs"/> (0: never). Requires <see cref="MayBlock"/>.
    /// </summary>
    public void Block(in RespRequest request, int firstKey, int keyCount, long deadlineMs, BlockedServe serve)
    {
        var keys = new List<byte[]>(keyCount);
        for (var i = firstKey; i < firstKey + keyCount; i++)
        {
            if (!Contains(keys, request[i]))
            {
                keys.Add(request[i].ToArray());
            }
        }

        Begin(request, [.. keys], deadlineMs, serve, null);
    }

    /// <summary>
    /// A blocking command for a key another node owns: the client blocks here on the owner's
    /// reply, which comes over a connection of its own (see <see cref="BlockingForward"/>).
    /// </summary>
    private void ForwardBlocking(string endpoint, CommandDefinition command, in RespRequest request)
    {
        Server.Replication?.Stats.ForwardedOne();
        var forward = new BlockingForward();
        _blockable = command;
        BlockedClient blocked;
        try
        {
            blocked = Begin(request, [], 0, null, forward.Cancel);
        }
        finally
        {
            _blockable = null;
        }

        LastCommand = command.FullName;
        _ = forward.RunAsync(Server, endpoint, Reply.Protocol, ForwardedReply.Arguments(request), blocked);
    }

    /// <summary>The connection closed (or the node is stopping): a blocked wait ends and its registration goes.</summary>
    public void AbortBlock()
    {
        if (_blocker is not { IsBlocked: true } blocked)
        {
            return;
        }

        using (Keys.Enter())
        {
            Server.Blocking.Abort(blocked);
        }
    }

    /// <summary>
    /// Re-runs a blocked command on <paramref name="readyKey"/> (under the gate, from whichever
    /// thread made the key ready), with its reply captured and its writes replicated as its own:
    /// the reply (maybe still waiting for replicas), or null when it must keep waiting.
    /// </summary>
    internal Task<byte[]>? ServeBlocked(BlockedClient blocked, ReadOnlySpan<byte> readyKey)
    {
        var output = new ArrayBufferWriter<byte>();
        var replication = Server.Replication is { Active: true } active ? active : null;
        if (replication is not null)
        {
            Keys.BeginCapture();
        }

        bool served;
        // The served command is this client's own, for NOLOOP and BCAST's batching, as Redis' current_client.
        var outer = Server.Tracking.Enter(this);
        using (Replies.Redirect(output))
        {
            var request = blocked.Request!.AsRequest();
            var feed = Server.Feed;
            if (feed.Active)
            {
                // Its own unit: the serve rewrites itself as the non-blocking form (no default argv).
                var mark = feed.BeginCommand(null);
                try
                {
                    served = blocked.Serve!(this, request, readyKey);
                }
                finally
                {
                    feed.EndCommand(mark, null, request);
                }
            }
            else
            {
                served = blocked.Serve!(this, request, readyKey);
            }
        }

        Server.Tracking.Leave(outer);

        var touched = replication is null ? null : Keys.EndCapture();
        if (!served)
        {
            return null;
        }

        LastCommand = blocked.Command!.FullName;
        if (replication is not null && touched is { Count: > 0 } && replication.Collect(ref _replication, Keys, touched))
        {
            var waiting = Replicator.ReplyAfterAsync(_replication!.Done, output.WrittenSpan.ToArray());
            SendReplication();
            return waiting;
        }

        return Task.FromResult(output.WrittenSpan.ToArray());
    }

    private static bool Contains(List<byte[]> keys, ReadOnlySpan<byte> key)
    {
        foreach (var k in keys)
        {
            if (key.SequenceEqual(k))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs a top-level command, letting a blocking one block.</summary>
    private void RunTopLevel(CommandDefinition command, in RespRequest request)
    {
        _blockable = command.HasFlag(CommandFlags.Blocking) && (!Connection.IsPeer || Connection.PeerMayBlock) ? command : null;
        try
        {
            RunReplicated(command, request);
        }
        finally
        {
            _blockable = null;
        }
    }

    private BlockedClient Begin(in RespRequest request, byte[][] keys, long deadlineMs, BlockedServe? serve, Action? cancel)
    {
        var command = _blockable ?? throw new InvalidOperationException("Only a top-level blocking command may block.");
        _blocker ??= new BlockedClient(this);
        _blocker.Begin(command, request.ToQueued(), keys, deadlineMs, serve, cancel);
        Server.Blocking.Add(_blocker);
        EndBatch = true;
        return _blocker;
    }
}
