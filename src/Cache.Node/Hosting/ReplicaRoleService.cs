using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>Gives the replica role the node's logger, and ends a link to a Redis master when the node stops.</summary>
internal sealed class ReplicaRoleService(CacheServer server, ILoggerFactory loggers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.ReplicaRole.Logger = loggers.CreateLogger("Cache.Node.Replication");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Without the gate: a script may hold it forever (the node is stopping because of it).
        server.ReplicaRole.Shutdown();
        return Task.CompletedTask;
    }
}
