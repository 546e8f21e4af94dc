using Cache.Node.Background;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Tests.Hosting;

public sealed class BackgroundFailuresTests
{
    [Fact]
    public void A_report_is_logged_as_an_error_with_the_work_and_the_exception()
    {
        var logger = new RecordingLogger();
        var failures = new BackgroundFailures(logger);
        var failure = new InvalidOperationException("boom");

        failures.Report(BackgroundWork.AntiEntropy, failure);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal(400, entry.Id.Id);
        Assert.Contains("AntiEntropy", entry.Message, StringComparison.Ordinal);
        Assert.Same(failure, entry.Exception);
        Assert.Equal(1, failures.Count);
    }

    [Fact]
    public async Task An_observed_task_is_reported_when_it_faults_and_not_when_it_succeeds_or_is_cancelled()
    {
        var logger = new RecordingLogger();
        var failures = new BackgroundFailures(logger);
        var faults = new TaskCompletionSource();
        var cancels = new TaskCompletionSource();

        failures.Observe(BackgroundWork.HandOff, Task.CompletedTask);
        failures.Observe(BackgroundWork.HandOff, cancels.Task);
        failures.Observe(BackgroundWork.HandOff, faults.Task);
        cancels.SetCanceled();
        faults.SetException(new TimeoutException("late"));
        await Assert.ThrowsAsync<TimeoutException>(() => faults.Task);

        var entry = Assert.Single(logger.Entries);
        Assert.IsType<TimeoutException>(entry.Exception);
        Assert.Contains("HandOff", entry.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<(LogLevel Level, EventId Id, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, eventId, formatter(state, exception), exception));
            }
        }
    }
}
