using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Hosting;

/// <summary>
/// On shutdown (SIGTERM, Ctrl-C, dispose), before the node leaves the cluster: hands the slots it
/// holds to their next owners, so a key with one copy does not leave with it. Bounded by its own
/// budget, not the host's shutdown timeout, as a graceful leave has always been.
/// </summary>
internal sealed class LeaveHandOffService(CacheServer server) : IHostedService
{
    private static readonly TimeSpan HandOffBudget = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server.HandOff is { } handOff)
        {
            await handOff.PushBeforeLeaveAsync(HandOffBudget, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
