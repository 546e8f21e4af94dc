using System.Net.Sockets;
using Cache.Node.Cluster;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Hosting;

/// <summary>A running node: the host <see cref="NodeComposition"/> built, started, and stopped in its defined order.</summary>
internal sealed partial class NodeHost : IAsyncDisposable
{
    private static int s_warnedNoMemoryLimit;
    private readonly IHost _host;
    private readonly Lazy<Task> _stop;

    private NodeHost(IHost host, CacheServer server)
    {
        _host = host;
        Server = server;
        // Once, whoever asks first: SHUTDOWN, the process' own stop, or the owner's DisposeAsync.
        _stop = new Lazy<Task>(() => _host.StopAsync(CancellationToken.None));
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cache.Node.Shutdown");
        server.Shutdown.Logger = logger;
        _ = StopOnShutdownCommandAsync(logger);
    }

    public CacheServer Server { get; }

    /// <summary>The bound RESP port (the real one when 0 was asked for).</summary>
    public int Port => Server.BoundPort;

    /// <summary>The bound TLS port; 0 without one.</summary>
    public int TlsPort => Server.BoundTlsPort;

    /// <summary>The node's name in the cluster (--name, else host:port).</summary>
    public string Name => Server.Cluster!.Gossip.Name;

    public IServiceProvider Services => _host.Services;

    /// <summary>Pulls data when the ring changes.</summary>
    public SlotHandOff HandOff => Server.HandOff!;

    /// <summary>
    /// Builds and starts a node; throws <see cref="ArgumentException"/> for invalid options and
    /// <see cref="IOException"/> when the RESP or gossip port is taken.
    /// </summary>
    public static async Task<NodeHost> StartAsync(NodeOptions options, TimeProvider? time = null,
        Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        var settings = NodeSettings.From(options);
        if (settings.Tls.Enabled)
        {
            try
            {
                settings.Tls.Load();
            }
            catch (TlsLoadException ex)
            {
                throw new IOException($"cannot load the TLS certificates: {ex.Message}", ex);
            }
        }

        var host = NodeComposition.Build(settings, time ?? TimeProvider.System, logging);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            await AbandonAsync(host).ConfigureAwait(false);
            throw new IOException($"cannot bind the gossip port {settings.GossipPort} on {settings.BindAddresses[0]}: {ex.Message}. Pick another with --gossip-port.", ex);
        }
        catch (IOException ex)
        {
            await AbandonAsync(host).ConfigureAwait(false);
            throw new IOException($"cannot listen on {options.Bind}:{options.Port}: {ex.Message.Replace("http://", "", StringComparison.Ordinal).TrimEnd('.')}. Stop whatever holds the port or pick another with --port.", ex);
        }
        catch
        {
            await AbandonAsync(host).ConfigureAwait(false);
            throw;
        }

        var server = host.Services.GetRequiredService<CacheServer>();
        // Once per process: a --local-cluster would otherwise say it once per node.
        if (server.Keys.MaxMemory == 0 && Interlocked.Exchange(ref s_warnedNoMemoryLimit, 1) == 0)
        {
            host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Cache.Node.Memory").LogWarning(
                "No memory limit: --maxmemory is 0, so the cache grows until the machine runs out of memory. Set one, e.g. --maxmemory 512mb --maxmemory-policy allkeys-lru.");
        }

        return new NodeHost(host, server);
    }

    /// <summary>
    /// Returns when the node should stop: the process was asked to (Ctrl+C, SIGTERM), a client sent
    /// SHUTDOWN, or <paramref name="cancellationToken"/> was cancelled. The caller then disposes the node.
    /// </summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken = default)
    {
        var stopping = _host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancellationToken);
        await Server.Shutdown.Requested.WaitAsync(either.Token)
            .ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
    }

    // SHUTDOWN stops this host on its own, so a node hosted in another program (a test) stops
    // without anyone waiting for it; Program, waiting, then disposes it and ends the process.
    private async Task StopOnShutdownCommandAsync(ILogger logger)
    {
        await Server.Shutdown.Requested.ConfigureAwait(false);
        LogShutdownCommand(logger);
        await _stop.Value.ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 421, Level = LogLevel.Warning, Message = "User requested shutdown (SHUTDOWN): leaving the cluster and stopping the node")]
    private static partial void LogShutdownCommand(ILogger logger);

    // Never leave a listening host behind a failed start.
    private static async Task AbandonAsync(IHost host)
    {
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        host.Dispose();
    }

    /// <summary>Stops the node (each hosted service in reverse start order, see <see cref="NodeComposition"/>) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.Value.ConfigureAwait(false);
        _host.Dispose();
    }
}
