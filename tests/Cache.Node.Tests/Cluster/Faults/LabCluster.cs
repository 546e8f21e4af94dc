using System.Globalization;

namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>
/// Three node processes, one per namespace of a <see cref="NetworkLab"/>, each started with every
/// other node as a seed (so any of them can restart and rejoin, and none starts a cluster of one
/// by itself), three copies per key and the default write quorum (2).
/// </summary>
internal sealed class LabCluster(NetworkLab lab, string[] extraArgs) : IAsyncDisposable
{
    private readonly NodeProcess?[] _nodes = new NodeProcess?[lab.Nodes + 1];

    public NetworkLab Lab => lab;

    public static async Task<LabCluster> StartAsync(NetworkLab lab, params string[] extraArgs)
    {
        var cluster = new LabCluster(lab, extraArgs);
        for (var i = 1; i <= lab.Nodes; i++)
        {
            await cluster.StartNodeAsync(i);
        }

        for (var i = 1; i <= lab.Nodes; i++)
        {
            await cluster.WaitForInfoAsync(i, $"cluster_voters_reachable:{lab.Nodes}");
        }

        return cluster;
    }

    public async Task StartNodeAsync(int i)
    {
        var seeds = string.Join(",", Enumerable.Range(1, lab.Nodes).Where(n => n != i).Select(n => NetworkLab.ClusterAddress(n) + ":16379"));
        _nodes[i] = await NodeProcess.StartInNamespaceAsync(lab.NodeNamespace(i),
        [
            "--name", "n" + i.ToString(CultureInfo.InvariantCulture),
            "--bind", $"{NetworkLab.ClusterAddress(i)} {NetworkLab.ClientSideAddress(i)}",
            "--port", "6379",
            "--gossip-port", "16379",
            "--join", seeds,
            "--replicas", "3",
            // No password: the writers in the client namespace are not on loopback.
            "--protected-mode", "no",
            .. extraArgs,
        ]);
    }

    public NodeProcess Node(int i) => _nodes[i] ?? throw new InvalidOperationException($"node {i} is not running");

    public async Task KillAsync(int i)
    {
        if (_nodes[i] is { } node)
        {
            _nodes[i] = null;
            node.Kill();
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits (bounded) until node i's INFO cluster has <paramref name="line"/>.</summary>
    public async Task WaitForInfoAsync(int i, string line, TimeSpan? bound = null)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        var limit = bound ?? TimeSpan.FromSeconds(60);
        var info = "";
        while (deadline.Elapsed < limit)
        {
            try
            {
                await using var client = Infrastructure.RespTestClient.Over(await lab.ConnectFromClientAsync(NetworkLab.ClientSideAddress(i), 6379));
                info = await client.CallAsync("INFO", "cluster");
                if (info.Contains(line + "\r\n", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or System.Net.Sockets.SocketException)
            {
                info = ex.Message;
            }

            // Another process's state: ask again shortly, until the bound.
            await Task.Delay(200);
        }

        throw new TimeoutException($"node {i}: no '{line}' in INFO cluster within {limit}:\n{info}");
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 1; i <= lab.Nodes; i++)
        {
            await KillAsync(i);
        }
    }
}
