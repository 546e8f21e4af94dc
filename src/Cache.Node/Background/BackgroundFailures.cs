using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cache.Node.Background;

/// <summary>
/// The one place where background work reports a failure it did not expect: every loop and
/// fire-and-forget task of the node (anti-entropy rounds, hand-off, active expiry, ring rebuilds,
/// membership start, replication sends) logs it here, once, with the exception, and carries on.
/// Failures a loop expects (a peer that does not answer) stay with the loop's own log lines.
/// </summary>
internal sealed partial class BackgroundFailures(ILogger logger)
{
    private long _count;

    /// <summary>Reports nowhere (a bare server in tests and benchmarks); failures are still counted.</summary>
    public static BackgroundFailures None { get; } = new(NullLogger.Instance);

    /// <summary>Failures reported since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Logs a failure of <paramref name="work"/>.</summary>
    public void Report(BackgroundWork work, Exception exception)
    {
        Interlocked.Increment(ref _count);
        LogFailed(logger, work, exception);
    }

    /// <summary>Logs <paramref name="task"/>'s failure when it faults (a cancellation is no failure); for work nobody awaits.</summary>
    public void Observe(BackgroundWork work, Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            return;
        }

        task.ContinueWith(
            static (done, state) =>
            {
                var (failures, work) = ((BackgroundFailures, BackgroundWork))state!;
                failures.Report(work, done.Exception!.InnerExceptions.Count == 1 ? done.Exception.InnerException! : done.Exception);
            },
            (this, work),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "Background {Work} failed; it carries on with its next run")]
    private static partial void LogFailed(ILogger logger, BackgroundWork work, Exception exception);
}
