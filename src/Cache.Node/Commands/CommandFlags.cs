namespace Cache.Node.Commands;

/// <summary>Command properties, as Redis' COMMAND INFO reports them.</summary>
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
}
