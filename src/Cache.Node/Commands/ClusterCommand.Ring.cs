using System.Globalization;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CLUSTER RING (ours) and READONLY/READWRITE.</summary>
internal static partial class ClusterCommand
{
    // [hash, replicas, [[name, "ip:port", weight, zone], ...]]: exactly the inputs of SlotMap.Build,
    // members in ring order, so a client rebuilds the same table (and checks it by the hash)
    // instead of reading 16384 slots. The zone is "" when a member has none.
    private static void Ring(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out var cluster))
        {
            return;
        }

        var ring = cluster.Ring;
        var reply = client.Reply;
        reply.ArrayHeader(3);
        reply.Bulk(ring.Hash.ToString("x16", CultureInfo.InvariantCulture));
        reply.Integer(ring.Replicas);
        reply.ArrayHeader(ring.Nodes.Count);
        foreach (var node in ring.Nodes)
        {
            reply.ArrayHeader(4);
            reply.Bulk(node.Id);
            reply.Bulk(cluster.RespEndpointOf(node.Id) ?? "");
            reply.Integer(node.Weight);
            reply.Bulk(node.Zone ?? "");
        }
    }

    private static void ReadOnly(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out _))
        {
            return;
        }

        client.Connection.ClusterAware = true;
        client.Connection.ReadFromReplica = true;
        client.Reply.Ok();
    }

    private static void ReadWrite(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out _))
        {
            return;
        }

        client.Connection.ReadFromReplica = false;
        client.Reply.Ok();
    }
}
