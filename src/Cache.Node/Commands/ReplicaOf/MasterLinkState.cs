namespace Cache.Node.Commands;

/// <summary>Where the link to this node's master stands (Redis' repl_state, as ROLE names it).</summary>
internal enum MasterLinkState
{
    /// <summary>Not a replica.</summary>
    None,

    /// <summary>Waiting to connect (the next attempt is due; ROLE's "connect").</summary>
    Connect,

    /// <summary>The TCP connection is being made.</summary>
    Connecting,

    /// <summary>PING, REPLCONF and PSYNC are being exchanged.</summary>
    Handshake,

    /// <summary>The master's RDB payload is being received and loaded (ROLE's "sync").</summary>
    Transfer,

    /// <summary>The command stream is being applied.</summary>
    Connected,
}
