using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cache.Node.Tests.Infrastructure;

/// <summary>
/// A real redis-server (Debian's redis-server package; .ci/run installs it) on a free loopback
/// port, with persistence off: the reference our replies are compared with.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private RedisServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static string? FindExecutable()
    {
        foreach (var candidate in new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    public static async Task<RedisServerProcess> StartAsync(params string[] extraArgs)
    {
        var exe = FindExecutable() ?? throw new InvalidOperationException(
            "redis-server is not installed; the compatibility tests compare against it. Run: apt-get install -y redis-server (.ci/run does this).");
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var psi = new ProcessStartInfo(exe)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Its own folder: a SAVE or DEBUG RELOAD there writes dump.rdb where no node will load it.
            var dir = Directory.CreateTempSubdirectory("gossipcache-redis-").FullName;
            foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "local" }.Concat(extraArgs))
            {
                psi.ArgumentList.Add(a);
            }

            var process = Process.Start(psi)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var started = await WaitForPortAsync(port, process);
            if (started)
            {
                return new RedisServerProcess(process, port) { Folder = dir };
            }

            process.Kill();
            Directory.Delete(dir, recursive: true);
            if (attempt == 3)
            {
                throw new InvalidOperationException("redis-server did not start.");
            }
        }
    }

    public Task<RespTestClient> ConnectAsync() => RespTestClient.ConnectAsync(Port);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private string Folder { get; init; } = "";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<bool> WaitForPortAsync(int port, Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!timeout.IsCancellationRequested && !process.HasExited)
        {
            try
            {
                await using var client = await RespTestClient.ConnectAsync(port);
                // Any answer means it is up (NOAUTH too, when started with --requirepass).
                var reply = await client.CallAsync("PING");
                return reply is "+PONG\r\n" || reply.StartsWith("-NOAUTH", StringComparison.Ordinal);
            }
            catch (SocketException)
            {
                await Task.Delay(20, timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        return false;
    }
}
