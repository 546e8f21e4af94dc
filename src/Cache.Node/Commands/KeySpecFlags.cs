namespace Cache.Node.Commands;

/// <summary>
/// What a command does with the keys one key spec finds, as Redis 7 names it: one access kind
/// (RO read-only, RW read-write, OW overwrite, RM remove) and the operations on the value.
/// The order is the order COMMAND INFO and GETKEYSANDFLAGS list them.
/// </summary>
[Flags]
internal enum KeySpecFlags
{
    None = 0,
    RO = 1 << 0,
    RW = 1 << 1,
    OW = 1 << 2,
    RM = 1 << 3,
    Access = 1 << 4,
    Update = 1 << 5,
    Insert = 1 << 6,
    Delete = 1 << 7,

    /// <summary>The argument is not a key but hashes like one (a slot name, for routing).</summary>
    NotKey = 1 << 8,

    /// <summary>The spec may miss keys; a custom finder gives the full answer.</summary>
    Incomplete = 1 << 9,

    /// <summary>The flags depend on the other arguments (SET with GET reads too).</summary>
    VariableFlags = 1 << 10,
}
