using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Hosting;

/// <summary>Runs the anti-entropy rounds while the node is up; registered last, so its rounds stop first at shutdown.</summary>
internal sealed class AntiEntropyService(CacheServer server) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.AntiEntropy?.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server.AntiEntropy is { } antiEntropy)
        {
            await antiEntropy.DisposeAsync().ConfigureAwait(false);
        }
    }
}
