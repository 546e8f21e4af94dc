using Microsoft.Extensions.Logging;

namespace Cache.Client.Caching;

/// <summary>Source-generated log messages of the router (event ids 20-39).</summary>
internal sealed partial class ClusterRouter
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "GossipCache: slot {Slot} moved from {From} to {To}; following and refreshing the ring")]
    private static partial void LogRedirected(ILogger logger, int slot, string from, string to);

    // Debug: during an outage every request fails over; the failovers counter and the topology's warnings tell the story.
    [LoggerMessage(EventId = 21, Level = LogLevel.Debug, Message = "GossipCache: node {Endpoint} failed for slot {Slot} ({Error}); trying the next owner")]
    private static partial void LogNodeFailed(ILogger logger, string endpoint, int slot, string error);

    [LoggerMessage(EventId = 23, Level = LogLevel.Debug, Message = "GossipCache: node {Endpoint} asked to retry slot {Slot} ({Reply}); retrying")]
    private static partial void LogRetrying(ILogger logger, string endpoint, int slot, string reply);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "GossipCache: no node answered for slot {Slot} within {TimeoutMs} ms; tried {Endpoints}")]
    private static partial void LogUnavailable(ILogger logger, int slot, long timeoutMs, string endpoints);
}
