namespace Cache.Node.Commands;

/// <summary>
/// Redis' replica rules, checked before a command runs or is queued (processCommand's order):
/// NOREPLICAS under min-replicas-to-write, READONLY on a read-only replica (not for the master's
/// own stream), MASTERDOWN for commands without the stale flag while the link is down and
/// replica-serve-stale-data is no. EXEC is judged by what it queued, so a state that changed since
/// aborts it with EXECABORT.
/// </summary>
internal sealed partial class ClientSession
{
    /// <summary>True for the internal session that applies a master's stream (Redis' master client).</summary>
    public bool ObeysMaster { get; init; }

    private bool RefusedByReplicaRules(CommandDefinition command)
    {
        var role = Server.ReplicaRole;
        if (!role.IsReplica && role.MinReplicasToWrite == 0)
        {
            return false;
        }

        var exec = command.Id == CommandId.Exec;
        var write = command.HasFlag(CommandFlags.Write) || (exec && Transaction.Queued(CommandFlags.Write));
        if (write && !role.EnoughGoodReplicas())
        {
            Reject("NOREPLICAS Not enough good replicas to write.", command);
            return true;
        }

        if (write && role.IsReplica && role.ReadOnly && !ObeysMaster)
        {
            Reject("READONLY You can't write against a read only replica.", command);
            return true;
        }

        if (role.IsReplica && !role.LinkUp && !role.ServeStaleData && (!command.HasFlag(CommandFlags.Stale) || (exec && QueuedWithoutStale())))
        {
            Reject("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.", command);
            return true;
        }

        return false;
    }

    private bool QueuedWithoutStale()
    {
        foreach (var (queued, _) in Transaction.Queue ?? [])
        {
            if (!queued.HasFlag(CommandFlags.Stale))
            {
                return true;
            }
        }

        return false;
    }
}
