using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>
/// Gives peer authentication and the clock bound the node's logger, and warns at start when the
/// node has no cluster secret: its peer commands are then guarded by members' addresses alone.
/// </summary>
internal sealed partial class PeerSecurityService(CacheServer server, ILoggerFactory loggers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Cache.Node.PeerSecurity");
        server.PeerAuth.Logger = logger;
        server.Keys.RemoteClocks.Report = (ahead, refused) => LogClockAhead(logger, ahead, server.Keys.RemoteClocks.MaxOffsetMs, refused);
        if (server.Settings.ClusterSecret is null)
        {
            LogNoSecret(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "No cluster secret (neither --cluster-secret nor --gossip-key): node-to-node commands are accepted from any connection coming from a cluster member's address, and gossip is not encrypted. Set --gossip-key (the same on every node; e.g. openssl rand -base64 32) for a cluster reachable by anyone else")]
    private static partial void LogNoSecret(ILogger logger);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Clock bound: refused {Refused} replicated entries since the last report, the latest {AheadMs} ms ahead of this node's clock (max-clock-offset {MaxOffsetMs} ms): a peer's clock is wrong, or this node's")]
    private static partial void LogClockAhead(ILogger logger, long aheadMs, long maxOffsetMs, long refused);
}
