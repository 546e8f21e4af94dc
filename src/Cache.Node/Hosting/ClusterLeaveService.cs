using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Hosting;

/// <summary>
/// On shutdown (SIGTERM, Ctrl-C) hands data to the slots' next owners, then announces the leave before the RESP listener stops, so peers
/// hear it from us instead of suspecting a failure while we still serve. Registered after the
/// web host, so it stops first.
/// </summary>
internal sealed class ClusterLeaveService(CacheServer server) : IHostedService
{
    private static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan HandOffBudget = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server.HandOff is { } handOff)
        {
            await handOff.PushBeforeLeaveAsync(HandOffBudget, cancellationToken).ConfigureAwait(false);
        }

        if (server.Cluster is { } cluster)
        {
            await cluster.Gossip.LeaveAsync(LeaveTimeout, cancellationToken).ConfigureAwait(false);
        }
    }
}
