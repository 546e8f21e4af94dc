using Cache.Node.Cluster;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Hosting;

/// <summary>
/// Closes the links to the other nodes. Registered before the listener, so it stops after it:
/// a forwarded command still draining at shutdown keeps its link to the end.
/// </summary>
internal sealed class PeerLinksService(PeerLinks peers) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await peers.DisposeAsync().ConfigureAwait(false);
}
