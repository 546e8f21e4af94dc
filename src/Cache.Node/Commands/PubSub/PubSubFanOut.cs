using Cache.Gossip.Ring;
using Cache.Node.Cluster;

namespace Cache.Node.Commands;

/// <summary>
/// Sends a message published here to every other node of the ring: one GOSSIPCACHE PUBLISH (or
/// SPUBLISH) per peer, not per subscriber, fire-and-forget on the peer's replication link. That
/// link keeps its requests in order and its peer answers them at once, so messages from one
/// publisher connection arrive in order; a message lost with a broken link is not resent, so
/// each is delivered at most once. The receiving node delivers to its own subscribers only.
/// </summary>
internal sealed class PubSubFanOut(CacheServer server)
{
    public static ReadOnlyMemory<byte> Publish { get; } = "PUBLISH"u8.ToArray();

    public static ReadOnlyMemory<byte> PublishShard { get; } = "SPUBLISH"u8.ToArray();

    private static readonly ReadOnlyMemory<byte> Command = "GOSSIPCACHE"u8.ToArray();
    private static readonly Action<Task> Observe = static task => _ = task.Exception;
    private (SlotMap? Ring, string[] Endpoints) _peers;

    /// <summary>Sends one message to each peer; a connection from a peer never fans out again.</summary>
    public void Send(ReadOnlyMemory<byte> kind, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        if (server.Cluster is not { } cluster || server.Peers is not { } links)
        {
            return;
        }

        var endpoints = PeersOf(cluster);
        if (endpoints.Length == 0)
        {
            return;
        }

        ReadOnlyMemory<byte>[] args = [Command, kind, channel.ToArray(), message.ToArray()];
        foreach (var endpoint in endpoints)
        {
            _ = links.ForReplication(endpoint).SendRawAsync(args).ContinueWith(Observe, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    // The other members' endpoints, recomputed only when the ring changes (called under the key-space lock).
    private string[] PeersOf(ClusterMembership cluster)
    {
        var ring = cluster.Ring;
        var known = _peers;
        if (ReferenceEquals(known.Ring, ring))
        {
            return known.Endpoints;
        }

        var self = cluster.IndexIn(ring);
        var endpoints = new List<string>(ring.Nodes.Count);
        for (var i = 0; i < ring.Nodes.Count; i++)
        {
            if (i != self && cluster.RespEndpointOf(ring.Nodes[i].Id) is { } endpoint)
            {
                endpoints.Add(endpoint);
            }
        }

        _peers = (ring, [.. endpoints]);
        return _peers.Endpoints;
    }
}
