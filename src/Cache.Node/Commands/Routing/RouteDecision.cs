using System.Runtime.InteropServices;

namespace Cache.Node.Commands;

/// <summary>
/// Where one keyed command runs, as decided by an <see cref="ICommandRouter"/>: a small value
/// the session acts on, so deciding can be tested without sockets. <see cref="Slot"/> is the
/// keys' hash slot, or -1 when the router did not need one (a standalone node, a one-node ring).
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct RouteDecision
{
    private readonly object? _detail;

    private RouteDecision(RouteKind kind, int slot, string? endpoint, RouteFlags flags, object? detail)
    {
        Kind = kind;
        Slot = slot;
        Endpoint = endpoint;
        Flags = flags;
        _detail = detail;
    }

    /// <summary>Run here; no slot was looked at.</summary>
    public static RouteDecision Here { get; } = new(RouteKind.Local, -1, null, RouteFlags.None, null);

    public RouteKind Kind { get; }

    public int Slot { get; }

    /// <summary>The RESP endpoint of the node to send the command (or the client) to: MOVED and the forwards.</summary>
    public string? Endpoint { get; }

    public RouteFlags Flags { get; }

    /// <summary>Completes when the slot's hand-off is in (<see cref="RouteKind.WaitForHandOff"/>).</summary>
    public Task? HandOffReady => _detail as Task;

    /// <summary>Which node runs which keys (<see cref="RouteKind.Split"/>).</summary>
    public SplitPlan? Split => _detail as SplitPlan;

    /// <summary>The other owners to compare versions with (<see cref="RouteKind.QuorumRead"/>).</summary>
    public IReadOnlyList<string>? QuorumPeers => _detail as IReadOnlyList<string>;

    /// <summary>Run here with nothing to record (no slot to pin, nothing to count): the session's fast path.</summary>
    public bool IsPlainLocal => Kind == RouteKind.Local && Slot < 0 && Flags == RouteFlags.None;

    public bool Has(RouteFlags flag) => (Flags & flag) != 0;

    public static RouteDecision Local(int slot, RouteFlags flags = RouteFlags.None) => new(RouteKind.Local, slot, null, flags, null);

    public static RouteDecision WaitForHandOff(int slot, Task ready, RouteFlags flags = RouteFlags.None) =>
        new(RouteKind.WaitForHandOff, slot, null, flags, ready);

    public static RouteDecision Moved(int slot, string endpoint) => new(RouteKind.Moved, slot, endpoint, RouteFlags.None, null);

    public static RouteDecision CrossSlot(int slot) => new(RouteKind.CrossSlot, slot, null, RouteFlags.None, null);

    public static RouteDecision Forward(int slot, string endpoint, RouteFlags flags = RouteFlags.None) =>
        new(RouteKind.Forward, slot, endpoint, flags, null);

    public static RouteDecision ForwardTransaction(int slot, string endpoint) => new(RouteKind.ForwardTransaction, slot, endpoint, RouteFlags.None, null);

    public static RouteDecision SplitBy(SplitPlan plan) => new(RouteKind.Split, -1, null, RouteFlags.None, plan);

    public static RouteDecision QuorumRead(int slot, IReadOnlyList<string> peers) => new(RouteKind.QuorumRead, slot, null, RouteFlags.None, peers);

    public override string ToString() => $"{Kind} slot {Slot}{(Endpoint is null ? "" : " to " + Endpoint)}{(Flags == RouteFlags.None ? "" : $" ({Flags})")}";
}
