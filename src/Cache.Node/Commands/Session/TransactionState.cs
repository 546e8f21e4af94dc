using Cache.Node.Resp;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// One connection's transaction: the commands MULTI queued, whether one was refused while
/// queuing (EXEC then answers EXECABORT), the WATCHed keys, and in a cluster the one hash slot
/// the queued keys share and the node they live on when that is another one.
/// </summary>
internal sealed class TransactionState
{
    private List<(CommandDefinition Command, QueuedRequest Request)>? _queue;

    /// <summary>Commands queued by MULTI, or null outside a transaction.</summary>
    public IReadOnlyList<(CommandDefinition Command, QueuedRequest Request)>? Queue => _queue;

    public bool InMulti => _queue is not null;

    /// <summary>While EXEC runs its commands, how many it runs (Redis keeps the MULTI flag until EXEC ends); -1 otherwise.</summary>
    public int ExecutingCount { get; set; } = -1;

    /// <summary>In MULTI, or running its EXEC: what CLIENT LIST shows as flag x, and what MONITOR refuses.</summary>
    public bool InTransaction => _queue is not null || ExecutingCount >= 0;

    /// <summary>A command was rejected while queuing: EXEC must answer EXECABORT.</summary>
    public bool Failed { get; private set; }

    public WatchState Watch { get; } = new();

    /// <summary>The RESP endpoint of the node owning the queued keys, when another node does: the whole transaction goes there at EXEC.</summary>
    public string? ForwardTo { get; set; }

    /// <summary>The hash slot the queued keyed commands share, or -1 before the first.</summary>
    public int Slot { get; private set; } = -1;

    /// <summary>The slot every further keyed command must hash to, or -1 while none is pinned yet (nothing queued).</summary>
    public int PinnedSlot => _queue is { Count: > 0 } ? Slot : -1;

    /// <summary>MULTI: starts an empty queue.</summary>
    public void Begin()
    {
        _queue = [];
        Failed = false;
    }

    public void Enqueue(CommandDefinition command, QueuedRequest request) => _queue!.Add((command, request));

    /// <summary>Whether a queued command has <paramref name="flag"/>.</summary>
    public bool Queued(CommandFlags flag)
    {
        if (_queue is null)
        {
            return false;
        }

        foreach (var (command, _) in _queue)
        {
            if (command.HasFlag(flag))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A command was refused inside MULTI: the transaction can only abort now.</summary>
    public void Fail()
    {
        if (_queue is not null)
        {
            Failed = true;
        }
    }

    /// <summary>Keeps the hash slot of a keyed command queued in MULTI (routing refuses a second slot).</summary>
    public void Pin(int slot) => Slot = slot;

    /// <summary>
    /// Leaves MULTI and drops every WATCH, as EXEC and DISCARD always do (a rejected EXEC too),
    /// and forgets the transaction's slot and owner. Called under the key space gate.
    /// </summary>
    public void End(KeySpace keys)
    {
        Forget();
        keys.Unwatch(Watch);
    }

    /// <summary>Leaves MULTI and forgets the slot and owner, keeping the WATCHes (EXEC still checks them).</summary>
    public void Forget()
    {
        _queue = null;
        Failed = false;
        ForwardTo = null;
        Slot = -1;
    }

    /// <summary>Forgets the slot and owner of the queued keys, as EXEC and DISCARD do before they run.</summary>
    public void ForgetRoute()
    {
        ForwardTo = null;
        Slot = -1;
    }
}
