using Cache.Node.Background;
using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Hosting;

/// <summary>
/// The parts of Redis' serverCron this node has: <c>hz</c> times a second clientsCron (each
/// client's query buffer accounting is resized as Redis resizes its query buffer: idle for more
/// than 2 s, spare room freed; far above its recent peak, trimmed to it; the reply peak restarts).
/// Redis visits at least 5 clients a tick, so with few clients each is seen every tick, as here.
/// Once a second, the BGSAVEs that save points or BGSAVE SCHEDULE ask for.
/// </summary>
internal sealed class ServerCronService(CacheServer server, BackgroundFailures failures) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var hz = Math.Clamp(server.Settings.Hz, 1, 500);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000.0 / hz), server.Time);
        var tick = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var second = tick++ % hz == 0;
                ResizeClients(server, resetPeaks: second);
                if (second)
                {
                    using (server.Keys.Enter())
                    {
                        server.Persistence.Cron();
                        server.MigrateLinks.CloseIdle(server.Keys.NowMs);
                    }
                }
            }
            catch (Exception ex)
            {
                failures.Report(BackgroundWork.ServerCron, ex);
            }
        }
    }

    internal static void ResizeClients(CacheServer server, bool resetPeaks)
    {
        var now = server.Time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var session in server.Clients.Values)
        {
            // Whole seconds, as Redis' server.unixtime - lastinteraction.
            var idle = (now / 1000) - (session.Connection.LastInteractionMs / 1000);
            session.QueryBuffer.Resize(idle);
            if (resetPeaks)
            {
                session.ReplyPeak = 0;
            }
        }
    }
}
