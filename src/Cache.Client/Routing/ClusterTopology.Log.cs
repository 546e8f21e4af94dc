using Microsoft.Extensions.Logging;

namespace Cache.Client.Routing;

/// <summary>Source-generated log messages of the topology (event ids 1-19).</summary>
internal sealed partial class ClusterTopology
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "GossipCache topology: {Nodes} nodes, {Replicas} owner(s) per slot, ring {RingHash} (from {Endpoint})")]
    private static partial void LogTopologyChanged(ILogger logger, int nodes, int replicas, string ringHash, string endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "GossipCache: {Endpoint} runs without a cluster; every key goes to it")]
    private static partial void LogStandalone(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "GossipCache: no node answered CLUSTER RING (tried {Endpoints}): {Error}")]
    private static partial void LogRefreshFailed(ILogger logger, string endpoints, string error);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "GossipCache: {Endpoint} sent a CLUSTER RING reply that is not a ring: {Reply}")]
    private static partial void LogBadRingReply(ILogger logger, string endpoint, string reply);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "GossipCache: ring hash from {Endpoint} is {NodeHash} but ours is {ClientHash}; client and node ring code differ, keys will be redirected")]
    private static partial void LogRingHashMismatch(ILogger logger, string endpoint, string nodeHash, string clientHash);
}
