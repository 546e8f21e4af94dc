using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Cache.Node.Tests.Cluster;

/// <summary>A node (or a --local-cluster of nodes) running as its own process (dotnet Cache.Node.dll), so a test can kill -9 it.</summary>
internal sealed partial class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _rest;

    private NodeProcess(Process process, List<(int Port, string Gossip)> nodes, string output)
    {
        _process = process;
        Ports = nodes.Select(n => n.Port).ToArray();
        GossipAddress = nodes[0].Gossip;
        // Keep draining stdout so the child never blocks on a full pipe.
        _rest = DrainAsync(process, output);
    }

    private static async Task<string> DrainAsync(Process process, string output) =>
        output + await process.StandardOutput.ReadToEndAsync(CancellationToken.None);

    /// <summary>The (first) node's RESP port.</summary>
    public int Port => Ports[0];

    /// <summary>Every node's RESP port, in start order.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>The (first) node's gossip address.</summary>
    public string GossipAddress { get; }

    /// <summary>Starts a node on free ports and waits for its "ready" line.</summary>
    public static Task<NodeProcess> StartAsync(params string[] extraArgs) =>
        LaunchAsync(["--port", "0", "--gossip-port", "0", .. extraArgs], nodes: 1, readyAfter: null);

    /// <summary>Starts a node inside network namespace <paramref name="ns"/> (<c>ip netns exec</c>, which execs the node: one process) and waits for its "ready" line.</summary>
    public static Task<NodeProcess> StartInNamespaceAsync(string ns, params string[] args) =>
        LaunchAsync(args, nodes: 1, readyAfter: null, ns);

    /// <summary>Starts <c>--local-cluster <paramref name="nodes"/> --port 0</c> and waits until it says the cluster is ready.</summary>
    public static Task<NodeProcess> StartLocalClusterAsync(int nodes, params string[] extraArgs) =>
        LaunchAsync(["--local-cluster", nodes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--port", "0", .. extraArgs], nodes, "Local cluster of ");

    private static async Task<NodeProcess> LaunchAsync(string[] args, int nodes, string? readyAfter, string? ns = null)
    {
        // Each process in a folder of its own: the node loads (and SAVE writes) dump.rdb in its
        // working folder, and a file another test left there must not fill a node "restarted empty".
        var folder = Directory.CreateTempSubdirectory("gossipcache-process-").FullName;
        var psi = new ProcessStartInfo(ns is null ? "dotnet" : "ip")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (ns is not null)
        {
            foreach (var a in (string[])["netns", "exec", ns, "dotnet"])
            {
                psi.ArgumentList.Add(a);
            }
        }

        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Cache.Node.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var ready = new List<(int, string)>();
        var output = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                output.AppendLine(line);
                if (ReadyLine().Match(line) is { Success: true } match)
                {
                    ready.Add((int.Parse(match.Groups[1].Value), match.Groups[2].Value));
                }

                if (ready.Count == nodes && (readyAfter is null || line.StartsWith(readyAfter, StringComparison.Ordinal)))
                {
                    return new NodeProcess(process, ready, output.ToString()) { Folder = folder };
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Never ready within the bound: the process must not outlive the test.
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The node process was not ready within 30 s:\n{output}");
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"The node process exited before it was ready:\n{output}");
    }

    /// <summary>SIGSTOP: the process freezes as in a long GC pause or a stopped VM; sockets stay open.</summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>SIGCONT: the frozen process runs on.</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>SIGKILL: no leave, no goodbye.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as a service manager stops it; returns the exit code and everything it printed.</summary>
    public async Task<(int ExitCode, string Output)> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return (_process.ExitCode, await _rest);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            if (Folder.Length > 0)
            {
                Directory.Delete(Folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is left behind.
        }
    }

    private string Folder { get; init; } = "";

    [GeneratedRegex(@"ready to accept connections on [^(]*?:(\d+) .*gossip on ([0-9.:]+)")]
    private static partial Regex ReadyLine();
}
