namespace Cache.Node.Commands;

/// <summary>
/// Command properties, Redis 7's command flags plus our own (<see cref="Transaction"/>). The
/// session reads the ones that change behaviour (write, readonly, denyoom, no_auth, no_multi,
/// protected, transaction); COMMAND INFO lists the rest as Redis does.
/// </summary>
[Flags]
internal enum CommandFlags
{
    None = 0,
    Write = 1 << 0,
    ReadOnly = 1 << 1,
    Fast = 1 << 2,

    /// <summary>Allowed before AUTH (AUTH, HELLO, QUIT).</summary>
    NoAuth = 1 << 3,
    Admin = 1 << 4,

    /// <summary>Runs at once inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).</summary>
    Transaction = 1 << 5,
    Loading = 1 << 6,
    Stale = 1 << 7,

    /// <summary>May grow memory: refused under maxmemory with noeviction.</summary>
    DenyOom = 1 << 8,

    /// <summary>Not allowed inside MULTI at all.</summary>
    NoMulti = 1 << 9,

    /// <summary>Refused unless enable-debug-command allows it (Redis' PROTECTED), checked before queuing.</summary>
    Protected = 1 << 10,

    /// <summary>Not allowed from a script.</summary>
    NoScript = 1 << 11,

    /// <summary>May block the client until a key changes or a timeout passes.</summary>
    Blocking = 1 << 12,

    /// <summary>A pub/sub command (implies the @pubsub category).</summary>
    PubSub = 1 << 13,

    /// <summary>May replicate even though it is not a write (Redis hides it from COMMAND INFO).</summary>
    MayReplicate = 1 << 14,

    /// <summary>Allowed while a script or module is busy.</summary>
    AllowBusy = 1 << 15,

    /// <summary>Not written to the slow log (EXEC: its commands are logged instead).</summary>
    SkipSlowlog = 1 << 16,

    /// <summary>COMMAND GETKEYS answers an empty array, not an error, when no key is found.</summary>
    NoMandatoryKeys = 1 << 17,

    /// <summary>Not shown to MONITOR clients.</summary>
    SkipMonitor = 1 << 18,

    /// <summary>Refused while a replica loads asynchronously (Redis' flag; shown by COMMAND INFO only).</summary>
    NoAsyncLoading = 1 << 19,

    /// <summary>Redis Cluster's ASKING form of a command (RESTORE-ASKING): served as the plain command here.</summary>
    Asking = 1 << 20,
    /// <summary>Ours: only for a connection that proved it is a peer (GOSSIPCACHE HELLO and AUTH), checked before routing or MULTI.</summary>
    Peer = 1 << 21,
}
