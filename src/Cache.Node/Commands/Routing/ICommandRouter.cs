using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Decides where a keyed command runs. A standalone node holds <see cref="StandaloneRouter"/>
/// (always here); a cluster node holds the cluster router over its ring. Deciding has no side
/// effects: the session acts on the decision (forwards, answers MOVED, counts).
/// </summary>
internal interface ICommandRouter
{
    /// <summary>
    /// Routes a command with keys (<see cref="CommandDefinition.FirstKey"/> above 0). Called for
    /// every such command under the key space gate, so it must be quick and must not block.
    /// </summary>
    RouteDecision Route(CommandDefinition command, in RespRequest request, ConnectionState connection, TransactionState transaction);
}
