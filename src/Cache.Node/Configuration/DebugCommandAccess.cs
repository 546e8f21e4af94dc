namespace Cache.Node.Configuration;

/// <summary>Who may run DEBUG (<c>--enable-debug-command</c>), as in Redis.</summary>
internal enum DebugCommandAccess
{
    /// <summary>Nobody.</summary>
    No,

    /// <summary>Clients connected over loopback.</summary>
    Local,

    /// <summary>Every client.</summary>
    Yes,
}
