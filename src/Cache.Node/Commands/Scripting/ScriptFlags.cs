namespace Cache.Node.Commands;

/// <summary>The flags a script declares in its <c>#!lua flags=...</c> shebang (Redis 7's script flags).</summary>
[Flags]
internal enum ScriptFlags
{
    None = 0,

    /// <summary>No shebang: Redis' compatibility mode (writes allowed, deny-oom per command, cross-slot allowed).</summary>
    Compat = 1 << 0,
    NoWrites = 1 << 1,
    AllowOom = 1 << 2,
    AllowStale = 1 << 3,
    NoCluster = 1 << 4,
    AllowCrossSlot = 1 << 5,
}
