using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Client-side caching on one connection: its CLIENT TRACKING mode, redirection and BCAST
/// prefixes (the server's <see cref="ClientTracker"/> keeps what it read), and the points of the
/// command's run where tracking acts.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>CLIENT TRACKING's mode; <see cref="TrackingModes.None"/> when off.</summary>
    public TrackingModes TrackingMode { get; set; }

    /// <summary>The REDIRECT client's id; 0 for none.</summary>
    public long TrackingRedirect { get; set; }

    /// <summary>The BCAST prefixes, in Redis' order; null outside BCAST.</summary>
    public SortedSet<byte[]>? TrackingPrefixes { get; set; }

    /// <summary>Whether a read-only command's keys are remembered for this client now (default mode on, not inside a script).</summary>
    private bool RemembersReads(CommandDefinition command) =>
        (TrackingMode & (TrackingModes.On | TrackingModes.Broadcast)) == TrackingModes.On
        && command.HasFlag(CommandFlags.ReadOnly)
        && Server.Scripts.RunningSession != this
        // EVAL_RO, EVALSHA_RO, FCALL_RO: the reads their scripts make are what is tracked.
        && (command.Acl & AclCategories.Scripting) == 0;

    /// <summary>After a read-only command: its keys are remembered, as Redis' call() does.</summary>
    private void RememberReads(CommandDefinition command, in RespRequest request)
    {
        if (RemembersReads(command))
        {
            Server.Tracking.Remember(this, command, request);
        }
    }

    /// <summary>
    /// As Redis' resetClient: CLIENT CACHING holds for the next command only (the whole
    /// transaction when given before MULTI's commands), so it goes after any other command.
    /// </summary>
    private void EndCachingHint(in RespRequest request)
    {
        if (!Transaction.InMulti && !Args.Is(request[0], "CLIENT"u8))
        {
            TrackingMode &= ~TrackingModes.Caching;
        }
    }
}
