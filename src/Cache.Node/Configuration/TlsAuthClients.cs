namespace Cache.Node.Configuration;

/// <summary>Whether TLS clients must present a certificate the CA signed (Redis' tls-auth-clients).</summary>
internal enum TlsAuthClients
{
    /// <summary>A certificate is required and verified (Redis' default).</summary>
    Yes,

    /// <summary>No certificate is asked for.</summary>
    No,

    /// <summary>A certificate is asked for and, when given, verified; a client without one is let in.</summary>
    Optional,
}
