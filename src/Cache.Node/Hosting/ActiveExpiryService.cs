using Cache.Node.Background;
using Cache.Node.Commands;
using Microsoft.Extensions.Hosting;

namespace Cache.Node.Hosting;

/// <summary>
/// Reclaims expired keys nobody reads, as Redis' active expire cycle does: <c>hz</c> times a
/// second, a bounded slice of the table is swept under the gate. A tick that fails is reported
/// and the next tick runs as usual.
/// </summary>
internal sealed class ActiveExpiryService(CacheServer server, BackgroundFailures failures) : BackgroundService
{
    // Per tick: sweep in steps, for at most ~1 ms, at most one pass over the table.
    private const int SlotsPerStep = 4096;
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromMilliseconds(1000.0 / Math.Clamp(server.Settings.Hz, 1, 500));
        using var timer = new PeriodicTimer(period, server.Time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                RunOnce();
            }
            catch (Exception ex)
            {
                failures.Report(BackgroundWork.ActiveExpiry, ex);
            }
        }
    }

    internal void RunOnce()
    {
        var keys = server.Keys;
        using (keys.Enter())
        {
            keys.ShrinkIfEmpty();
        }

        if (keys.MaxMemory != 0)
        {
            // Eviction left unfinished by a bounded call goes on without waiting for a write.
            using (keys.Enter())
            {
                keys.EnsureMemory();
            }
        }

        var started = server.Time.GetTimestamp();
        var swept = 0;
        while (true)
        {
            int limit;
            using (keys.Enter())
            {
                limit = keys.EntryLimit;
                if (keys.VolatileCount == 0 && keys.TombstoneCount == 0)
                {
                    return;
                }

                keys.ActiveExpireCycle(SlotsPerStep);
            }

            swept += SlotsPerStep;
            if (swept >= limit || server.Time.GetElapsedTime(started) >= Budget)
            {
                return;
            }
        }
    }
}
