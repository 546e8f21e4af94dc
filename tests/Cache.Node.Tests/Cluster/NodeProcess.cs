using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Cache.Node.Tests.Cluster;

/// <summary>A node running as its own process (dotnet Cache.Node.dll), so a test can kill -9 it.</summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NodeProcess(Process process, int port, string gossipAddress)
    {
        _process = process;
        Port = port;
        GossipAddress = gossipAddress;
    }

    public int Port { get; }

    public string GossipAddress { get; }

    /// <summary>Starts a node on free ports and waits for its "ready" line.</summary>
    public static async Task<NodeProcess> StartAsync(params string[] extraArgs)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Cache.Node.dll"));
        foreach (var a in new[] { "--port", "0", "--gossip-port", "0" }.Concat(extraArgs))
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var ready = ReadyLine().Match(line);
            if (ready.Success)
            {
                // Keep draining stdout so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                return new NodeProcess(process, int.Parse(ready.Groups[1].Value), ready.Groups[2].Value);
            }
        }

        process.Kill();
        throw new InvalidOperationException("The node process exited before it was ready.");
    }

    /// <summary>SIGKILL: no leave, no goodbye.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"ready to accept connections on [^ ]+:(\d+) .*gossip on ([0-9.:]+)")]
    private static partial Regex ReadyLine();
}
