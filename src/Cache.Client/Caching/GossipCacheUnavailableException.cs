namespace Cache.Client.Caching;

/// <summary>
/// No node that owns the key answered within <see cref="GossipCacheOptions.CommandTimeout"/>: every
/// owner was down, unreachable or too slow. A <see cref="TimeoutException"/>, so code that handles
/// cache timeouts handles this too.
/// </summary>
public sealed class GossipCacheUnavailableException : TimeoutException
{
    /// <summary>Creates the exception with a message.</summary>
    public GossipCacheUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public GossipCacheUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message and the last failure seen.</summary>
    public GossipCacheUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
