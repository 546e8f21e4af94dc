using Cache.Gossip.Ring;
using Cache.Node.Configuration;

namespace Cache.Node.Hosting;

/// <summary>
/// <c>--local-cluster N</c>: N nodes in this one process, a whole cluster from one command. Node
/// i listens on port + i (gossip on + 10000; any free ports with --port 0), is named host:port
/// and, from the second on, joins the first; every other option applies to all of them.
/// </summary>
internal static class LocalCluster
{
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Starts the nodes, prints how to reach them, runs until SIGTERM/Ctrl-C; the process exit code.</summary>
    public static async Task<int> RunAsync(NodeOptions options)
    {
        var nodes = new List<NodeHost>();
        if (string.IsNullOrEmpty(options.ClusterSecret) && string.IsNullOrEmpty(options.GossipKey))
        {
            // The nodes share one process, so they can share a secret no one else knows.
            options = options.Copy();
            options.ClusterSecret = PeerSecret.Random();
        }

        try
        {
            for (var i = 0; i < options.LocalCluster; i++)
            {
                var node = options.Copy();
                node.LocalCluster = 0;
                node.Port = options.Port == 0 ? 0 : options.Port + i;
                // One RDB file per node (dump-0.rdb, dump-1.rdb, ...): nodes of one process share a
                // folder, and one node must not load or overwrite another's data set.
                node.DbFilename = $"{Path.GetFileNameWithoutExtension(options.DbFilename)}-{i}{Path.GetExtension(options.DbFilename)}";
                if (i > 0)
                {
                    node.Join = nodes[0].Server.Cluster!.Gossip.Address;
                }

                nodes.Add(await NodeHost.StartAsync(node));
                Console.WriteLine($"GossipCache node '{nodes[^1].Name}' ready to accept connections on {node.Bind}:{nodes[^1].Port} (redis-cli -p {nodes[^1].Port}); gossip on {nodes[^1].Server.Cluster?.Gossip.Address}");
            }
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Cache.Node: {ex.Message}");
            await StopAsync(nodes);
            return 1;
        }

        try
        {
            if (!await FormedAsync(nodes))
            {
                Console.Error.WriteLine($"Cache.Node: the {nodes.Count} nodes have not all seen each other within {FormTimeout.TotalSeconds} s; CLUSTER NODES shows who is missing");
            }

            var port = nodes[0].Port;
            Console.WriteLine($"Local cluster of {nodes.Count} nodes ready. Connect with: redis-cli -p {port} (commands go to the key's node for you) or redis-cli -c -p {port} (cluster-aware: follows MOVED)");

            // A signal reaches every node's console lifetime; one node stopping for any other reason stops the rest too.
            using var stop = new CancellationTokenSource();
            var waits = nodes.Select(n => n.WaitForShutdownAsync(stop.Token)).ToArray();
            await Task.WhenAny(waits);
            await stop.CancelAsync();
            Console.WriteLine($"Local cluster of {nodes.Count} nodes shutting down");
            await Task.WhenAll(waits);
        }
        finally
        {
            await StopAsync(nodes);
        }

        return 0;
    }

    // Each node leaves gossip as it stops; the last ones started go first, the seed last.
    private static async Task StopAsync(List<NodeHost> nodes)
    {
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            await nodes[i].DisposeAsync();
        }
    }

    // Joining retries with back-off: wait (on ring events, not polling) until the first node's ring has them all.
    private static async Task<bool> FormedAsync(List<NodeHost> nodes)
    {
        var cluster = nodes[0].Server.Cluster!;
        var formed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(SlotMap ring)
        {
            if (ring.Nodes.Count >= nodes.Count)
            {
                formed.TrySetResult();
            }
        }

        void Changed(SlotMap previous, SlotMap ring) => Check(ring);
        cluster.RingChanged += Changed;
        try
        {
            Check(cluster.Ring);
            await formed.Task.WaitAsync(FormTimeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            cluster.RingChanged -= Changed;
        }
    }
}
