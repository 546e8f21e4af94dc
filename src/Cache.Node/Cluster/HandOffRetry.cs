using Cache.Client.Resp;

namespace Cache.Node.Cluster;

/// <summary>
/// Runs hand-off transfers until each has succeeded once, retrying the failed ones with
/// exponential backoff (1 s doubling to 30 s) while they are still wanted — a partition or a
/// paused peer delays a hand-off instead of dropping it. Anti-entropy repairs between owners;
/// this is what brings a copy held by a non-owner back to the owners.
/// </summary>
internal static class HandOffRetry
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>How many transfers never succeeded (0 when all did).</summary>
    public static async Task<int> RunAsync(IReadOnlyList<Func<CancellationToken, Task>> transfers, Func<bool> stillWanted, TimeProvider time,
        Action<Exception>? failed, CancellationToken cancellationToken)
    {
        var left = transfers;
        var delay = FirstDelay;
        while (true)
        {
            var again = new List<Func<CancellationToken, Task>>();
            foreach (var transfer in left)
            {
                try
                {
                    await transfer(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransient(ex))
                {
                    failed?.Invoke(ex);
                    again.Add(transfer);
                }
            }

            if (again.Count == 0 || !stillWanted())
            {
                return again.Count;
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            if (!stillWanted())
            {
                return again.Count;
            }

            left = again;
        }
    }

    /// <summary>Failures a later attempt may not meet: a lost connection, a timeout, a refusal, a garbled reply.</summary>
    public static bool IsTransient(Exception ex) =>
        ex is RespConnectionException or TimeoutException or RespServerException or InvalidDataException;
}
