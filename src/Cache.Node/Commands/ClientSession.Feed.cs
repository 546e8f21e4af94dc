using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// The session's side of the replication stream: a command reaches the feed's hook as
/// <see cref="Feed"/> (see <see cref="ReplicationFeed"/> for the rules), and a connection that
/// sent SYNC or PSYNC becomes a replica (<see cref="Replica"/>) that only receives the stream.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>The replication stream's hook: rewrite, add to, prevent or force what this command propagates.</summary>
    public ReplicationFeed Feed => Server.Feed;

    /// <summary>Set once the connection sent SYNC or PSYNC: the connection loop then pumps the stream to it.</summary>
    public ReplicaLink? Replica { get; set; }

    /// <summary>Runs a handler inside the feed's bookkeeping when a replica is attached.</summary>
    private void RunPropagated(CommandDefinition command, in RespRequest request)
    {
        var feed = Server.Feed;
        if (!feed.Active)
        {
            command.Handler!(this, request);
            return;
        }

        var mark = feed.BeginCommand(command);
        try
        {
            command.Handler!(this, request);
        }
        finally
        {
            feed.EndCommand(mark, command, request);
        }
    }
}
