namespace Cache.Node.Commands;

/// <summary>A connection's CLIENT TRACKING state, as Redis' CLIENT_TRACKING_* flags.</summary>
[Flags]
internal enum TrackingModes
{
    None = 0,

    /// <summary>CLIENT TRACKING ON.</summary>
    On = 1 << 0,

    /// <summary>BCAST: invalidations for every key under the client's prefixes, nothing remembered.</summary>
    Broadcast = 1 << 1,

    /// <summary>OPTIN: only the command after CLIENT CACHING YES has its keys remembered.</summary>
    OptIn = 1 << 2,

    /// <summary>OPTOUT: every command but the one after CLIENT CACHING NO has its keys remembered.</summary>
    OptOut = 1 << 3,

    /// <summary>NOLOOP: no invalidation for the client's own writes.</summary>
    NoLoop = 1 << 4,

    /// <summary>CLIENT CACHING was given for the next command.</summary>
    Caching = 1 << 5,

    /// <summary>The REDIRECT client is gone: invalidations cannot be delivered.</summary>
    BrokenRedirect = 1 << 6,
}
