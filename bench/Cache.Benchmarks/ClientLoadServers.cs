using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Cache.Benchmarks;

/// <summary>
/// The servers of the client load loop, each in its own process on loopback: our
/// <c>--local-cluster 3</c> and a redis-server with persistence off. Killed on dispose.
/// </summary>
internal sealed partial class ClientLoadServers : IAsyncDisposable
{
    private readonly List<Process> _processes = [];

    /// <summary>The cluster's RESP endpoints, comma separated.</summary>
    public string ClusterSeeds { get; private set; } = "";

    /// <summary>redis-server's endpoint.</summary>
    public string RedisEndpoint { get; private set; } = "";

    /// <param name="cluster">Seeds of a running cluster, or null to start <c>--local-cluster 3</c>.</param>
    /// <param name="redis">A running redis-server, or null to start one.</param>
    /// <param name="replicas">Copies per key of the started cluster (the node's default is 3).</param>
    public static Task<ClientLoadServers> StartAsync(string? cluster, string? redis, int replicas) =>
        StartAsync(async servers =>
        {
            servers.ClusterSeeds = cluster ?? await servers.StartClusterAsync(replicas);
            servers.RedisEndpoint = redis ?? await servers.StartRedisAsync();
        });

    /// <summary>Only <c>--local-cluster 3</c>, for a run that measures GossipCache alone.</summary>
    public static Task<ClientLoadServers> StartClusterOnlyAsync(int replicas) =>
        StartAsync(async servers => servers.ClusterSeeds = await servers.StartClusterAsync(replicas));

    /// <summary>Only redis-server, for a run that measures RedisCache alone.</summary>
    public static Task<ClientLoadServers> StartRedisOnlyAsync() =>
        StartAsync(async servers => servers.RedisEndpoint = await servers.StartRedisAsync());

    private static async Task<ClientLoadServers> StartAsync(Func<ClientLoadServers, Task> start)
    {
        var servers = new ClientLoadServers();
        try
        {
            await start(servers);
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }

    private async Task<string> StartClusterAsync(int replicas)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Cache.Node.dll"), "--local-cluster", "3", "--port", "0", "--replicas", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Start(psi);
        var ports = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ReadyLine().Match(line) is { Success: true } match)
            {
                ports.Add(match.Groups[1].Value);
            }

            if (line.StartsWith("Local cluster of ", StringComparison.Ordinal))
            {
                // Keep draining so the node never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return string.Join(",", ports.Select(p => "127.0.0.1:" + p));
            }
        }

        throw new InvalidOperationException("The --local-cluster 3 process exited before it was ready.");
    }

    private async Task<string> StartRedisAsync()
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Start(psi);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
                return $"127.0.0.1:{port}";
            }
        }

        throw new InvalidOperationException("redis-server exited before it was ready (is it installed? apt-get install redis-server).");
    }

    private Process Start(ProcessStartInfo psi)
    {
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.");
        _processes.Add(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"ready to accept connections on [^ ]+:(\d+) ")]
    private static partial Regex ReadyLine();
}
