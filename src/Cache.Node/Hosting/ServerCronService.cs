using Cache.Node.Background;
using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Hosting;

/// <summary>
/// The parts of Redis' serverCron that run once a second: clientsCron (each client's query
/// buffer accounting is resized as Redis resizes its query buffer: idle for more than 2 s, spare
/// room freed; far above its recent peak, trimmed to it; and the reply peak restarts), and the
/// BGSAVEs that save points or BGSAVE SCHEDULE ask for.
/// </summary>
internal sealed class ServerCronService(CacheServer server, BackgroundFailures failures) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), server.Time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                RunOnce(server);
            }
            catch (Exception ex)
            {
                failures.Report(BackgroundWork.ServerCron, ex);
            }
        }
    }

    internal static void RunOnce(CacheServer server)
    {
        using (server.Keys.Enter())
        {
            server.Persistence.Cron();
        }

        var now = server.Time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var session in server.Clients.Values)
        {
            // Whole seconds, as Redis' server.unixtime - lastinteraction.
            var idle = (now / 1000) - (session.Connection.LastInteractionMs / 1000);
            session.QueryBuffer.Resize(idle);
            session.ReplyPeak = 0;
        }
    }
}
