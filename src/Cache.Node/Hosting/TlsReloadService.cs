using Cache.Node.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>
/// Re-reads the TLS files every <see cref="TlsSettings.ReloadInterval"/> and loads them when their
/// content changed: the next handshakes get the new certificate, open connections are kept. A
/// file caught half-written fails to load; the old certificates stay and the next tick retries.
/// </summary>
internal sealed partial class TlsReloadService(NodeSettings settings, TimeProvider time, ILogger<TlsReloadService> logger) : IHostedService, IDisposable
{
    private ITimer? _timer;
    private string? _lastError;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.Tls.Enabled)
        {
            var interval = settings.Tls.ReloadInterval;
            _timer = time.CreateTimer(static state => ((TlsReloadService)state!).Tick(), this, interval, interval);
        }

        return Task.CompletedTask;
    }

    /// <summary>One check (the timer's callback; tests call it through the fake clock).</summary>
    internal void Tick()
    {
        try
        {
            if (settings.Tls.ReloadIfChanged())
            {
                _lastError = null;
                LogReloaded(logger, settings.Tls.Files.CertFile);
            }
        }
        catch (TlsLoadException ex)
        {
            // Once per distinct error, not every tick.
            if (ex.Message != _lastError)
            {
                _lastError = ex.Message;
                LogReloadFailed(logger, ex.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    [LoggerMessage(EventId = 60, Level = LogLevel.Information, Message = "TLS certificates reloaded ({CertFile}): new connections get them.")]
    private static partial void LogReloaded(ILogger logger, string? certFile);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "TLS certificates not reloaded, the ones in use stay: {Error}")]
    private static partial void LogReloadFailed(ILogger logger, string error);
}
