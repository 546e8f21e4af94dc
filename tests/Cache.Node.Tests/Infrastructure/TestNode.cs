using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace Cache.Node.Tests.Infrastructure;

/// <summary>A real node in the test process, listening on 127.0.0.1 on a free port.</summary>
public sealed partial class TestNode : IAsyncDisposable
{
    /// <summary>The --cluster-secret every test node gets unless its test sets another.</summary>
    public const string DefaultClusterSecret = "gossipcache-tests-cluster-secret";

    private readonly NodeHost _host;

    private TestNode(NodeHost host) => _host = host;

    public int Port => _host.Port;

    /// <summary>The bound TLS port; 0 without one.</summary>
    public int TlsPort => _host.TlsPort;

    internal CacheServer Server => _host.Server;

    internal Cache.Node.Cluster.SlotHandOff HandOff => _host.HandOff;

    /// <summary>The node's services (its hosted services, its background failure reports).</summary>
    internal IServiceProvider Services => _host.Services;

    /// <summary>Starts a node; <paramref name="configure"/> adjusts options, <paramref name="time"/> replaces the clock.</summary>
    public static async Task<TestNode> StartAsync(Action<NodeOptions>? configure = null, TimeProvider? time = null)
    {
        // Each node its own folder: a SAVE must not leave a dump.rdb that the next node loads at start.
        var dir = Directory.CreateTempSubdirectory("gossipcache-node-").FullName;
        var options = new NodeOptions { Port = 0, Bind = "127.0.0.1", EnableDebugCommand = "local", Dir = dir, ClusterSecret = DefaultClusterSecret };
        configure?.Invoke(options);
        var host = await NodeHost.StartAsync(options, time, logging => logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft", LogLevel.None));
        return new TestNode(host);
    }

    public Task<RespTestClient> ConnectAsync() => RespTestClient.ConnectAsync(Port);

    public string Endpoint => $"127.0.0.1:{Port}";

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        try
        {
            Directory.Delete(Server.Settings.Dir, recursive: true);
        }
        catch (IOException)
        {
            // A folder a test still uses (or shares) is left for the temp cleaner.
        }
    }
}
