using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>A node without a cluster: every key is here.</summary>
internal sealed class StandaloneRouter : ICommandRouter
{
    public static StandaloneRouter Instance { get; } = new();

    private StandaloneRouter()
    {
    }

    public RouteDecision Route(CommandDefinition command, in RespRequest request, ConnectionState connection, TransactionState transaction) =>
        RouteDecision.Here;
}
