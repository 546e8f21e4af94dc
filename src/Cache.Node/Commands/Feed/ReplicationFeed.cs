using System.Buffers;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// The Redis-compatible replication stream of this node: what it executed, as Redis 7.0 would
/// propagate it to a replica that sent SYNC or PSYNC (see docs/architecture.md, "The replication
/// stream"). It is not the cluster's own replication between nodes.
/// <para>
/// The hook, for every command (Redis' <c>alsoPropagate</c>, <c>rewriteClientCommandVector</c>,
/// <c>preventCommandPropagation</c>, <c>forceCommandPropagation</c>): by default a command with
/// <see cref="CommandFlags.Write"/> that changed the key space is propagated as it was sent. A
/// handler that must propagate something else calls <see cref="Rewrite"/> (replaces its own
/// argv), <see cref="Also"/> (adds a command now, in order), <see cref="Prevent"/> (nothing of
/// its own) or <see cref="Force"/> (its argv even though nothing changed: PUBLISH, FLUSHALL).
/// Everything a top-level command (or an EXEC, or a script run through <see cref="ClientSession.Run"/>)
/// propagates is one unit, wrapped in MULTI/EXEC when it holds more than one command (not for
/// SCAN and RANDOMKEY). Keys that expire or are evicted propagate as DEL: a key a command finds
/// expired joins its unit, ahead of its write; active expiry and eviction send it at once.
/// </para>
/// Everything here runs under the key-space gate, as the commands do.
/// </summary>
internal sealed class ReplicationFeed : IEntryObserver
{
    private static readonly byte[] MultiCommand = "*1\r\n$5\r\nMULTI\r\n"u8.ToArray();
    private static readonly byte[] ExecCommand = "*1\r\n$4\r\nEXEC\r\n"u8.ToArray();
    private static readonly byte[] SelectCommand = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"u8.ToArray();

    private readonly List<ReplicaLink> _replicas = [];
    private readonly ArrayBufferWriter<byte> _unit = new();
    private readonly ArrayBufferWriter<byte> _rewrite = new();
    private int _unitCommands;
    private int _depth;
    private bool _unitUnwrapped;
    private long _changes;
    private int _rewriteDepth = -1;
    private int _preventDepth = -1;
    private int _forceDepth = -1;

    /// <summary>True while at least one replica is attached; with none, the hook costs a branch.</summary>
    public bool Active => _replicas.Count > 0;

    /// <summary>Bytes of commands propagated since the node started (INFO's master_repl_offset).</summary>
    public long Offset { get; private set; }

    /// <summary>The replicas attached now.</summary>
    public IReadOnlyList<ReplicaLink> Replicas => _replicas;

    /// <summary>Attaches a replica: from now on it receives every propagated command, a SELECT first.</summary>
    public void Attach(ReplicaLink replica) => _replicas.Add(replica);

    /// <summary>Detaches a replica (its connection closed, or it fell too far behind).</summary>
    public void Detach(ReplicaLink replica) => _replicas.Remove(replica);

    /// <summary>Adds a command to the stream now, after what the running command added before.</summary>
    public PropagatedCommand Also(int argumentCount)
    {
        if (!Active)
        {
            return default;
        }

        _unitCommands++;
        return new PropagatedCommand(_unit, argumentCount);
    }

    /// <summary>Propagates this command as the one built here instead of as it was sent (the last call wins).</summary>
    public PropagatedCommand Rewrite(int argumentCount)
    {
        if (!Active)
        {
            return default;
        }

        _rewrite.Clear();
        _rewriteDepth = _depth;
        return new PropagatedCommand(_rewrite, argumentCount);
    }

    /// <summary>Propagates nothing for this command itself (what it added with <see cref="Also"/> stays).</summary>
    public void Prevent() => _preventDepth = _depth;

    /// <summary>Propagates this command even if it changed nothing.</summary>
    public void Force() => _forceDepth = _depth;

    /// <summary>Starts a command; at the outermost level, a unit. Pass the mark to <see cref="EndCommand"/>.</summary>
    public long BeginCommand(CommandDefinition? command)
    {
        if (_depth++ == 0)
        {
            _unit.Clear();
            _unitCommands = 0;
            // As Redis: SCAN and RANDOMKEY may expire any number of keys; those DELs are not wrapped.
            _unitUnwrapped = command?.Id is CommandId.Scan or CommandId.Randomkey;
        }

        _rewriteDepth = _preventDepth = _forceDepth = -1;
        return _changes;
    }

    /// <summary>
    /// Ends a command: propagates its rewrite or its <paramref name="request"/> as the rules say
    /// (a null <paramref name="command"/> propagates only what the handler asked for), and at the
    /// outermost level sends the unit to the replicas.
    /// </summary>
    public void EndCommand(long mark, CommandDefinition? command, in Resp.RespRequest request)
    {
        var changed = _changes != mark;
        var forced = _forceDepth == _depth;
        if (_preventDepth != _depth && (changed || forced))
        {
            if (_rewriteDepth == _depth)
            {
                _unit.Write(_rewrite.WrittenSpan);
                _unitCommands++;
            }
            else if (command is not null && (forced || command.HasFlag(CommandFlags.Write)))
            {
                var argv = new PropagatedCommand(_unit, request.Count);
                for (var i = 0; i < request.Count; i++)
                {
                    argv.Arg(request[i]);
                }

                _unitCommands++;
            }
        }

        _rewriteDepth = _preventDepth = _forceDepth = -1;
        if (--_depth == 0)
        {
            FlushUnit();
        }
    }

    void IEntryObserver.OnEntryChanged(in EntryChange change)
    {
        switch (change.Kind)
        {
            case EntryChangeKind.Written or EntryChangeKind.Deleted or EntryChangeKind.Flushed:
                _changes++;
                break;
            case EntryChangeKind.Expired or EntryChangeKind.Evicted when Active:
                // Inside a command, part of its unit (a lazily expired key before the command's own
                // write); outside one (active expiry, eviction), sent at once.
                Also(2).Arg("DEL"u8).Arg(change.Key);
                if (_depth == 0)
                {
                    FlushUnit();
                }

                break;
        }
    }

    private void FlushUnit()
    {
        if (_unitCommands == 0 || !Active)
        {
            _unit.Clear();
            _unitCommands = 0;
            return;
        }

        Send(_unit.WrittenSpan, wrap: _unitCommands > 1 && !_unitUnwrapped);
        _unit.Clear();
        _unitCommands = 0;
    }

    private void Send(ReadOnlySpan<byte> commands, bool wrap)
    {
        for (var i = _replicas.Count - 1; i >= 0; i--)
        {
            var replica = _replicas[i];
            var sent = (!replica.NeedsSelect || replica.Push(SelectCommand))
                && (!wrap || replica.Push(MultiCommand))
                && replica.Push(commands)
                && (!wrap || replica.Push(ExecCommand));
            replica.NeedsSelect = false;
            if (!sent)
            {
                // Past its buffer limit: the replica is dropped, as Redis drops a slow replica.
                _replicas.RemoveAt(i);
            }
        }

        Offset += commands.Length + (wrap ? MultiCommand.Length + ExecCommand.Length : 0);
    }
}
