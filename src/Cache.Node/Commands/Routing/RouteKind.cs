namespace Cache.Node.Commands;

/// <summary>What a <see cref="ICommandRouter"/> decided for one keyed command.</summary>
internal enum RouteKind : byte
{
    /// <summary>Run here, now.</summary>
    Local,

    /// <summary>Run here once the slot's hand-off is in, at the command's turn in the reply order.</summary>
    WaitForHandOff,

    /// <summary>Answer <c>MOVED slot endpoint</c>: the client routes itself (or it is a WATCH, which cannot be forwarded).</summary>
    Moved,

    /// <summary>Answer <c>CROSSSLOT</c>: the keys (or the transaction's keys) span several slots.</summary>
    CrossSlot,

    /// <summary>Send the command to the slot's primary and relay its reply.</summary>
    Forward,

    /// <summary>Queue it in MULTI here; the whole transaction goes to the slot's primary at EXEC.</summary>
    ForwardTransaction,

    /// <summary>A multi-key command whose keys live on several nodes: run each owner's part there and merge the replies.</summary>
    Split,

    /// <summary>This node is the primary, but reads compare versions with other owners first (<c>--read-quorum</c>).</summary>
    QuorumRead,
}
