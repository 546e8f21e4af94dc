using System.Net;
using Cache.Gossip;
using Cache.Gossip.Ring;
using Cache.Gossip.Wire;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>CLUSTER SLOTS and CLUSTER SHARDS, in Redis 7.0's reply shapes.</summary>
internal static partial class ClusterCommand
{
    // [[start, end, primary, replica...], ...]: one entry per contiguous range with the same owner
    // list (primary first), each node as [ip, port, id, {}] as Redis 7.0 (the empty map is where
    // it would put hostname metadata).
    private static void Slots(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out var cluster))
        {
            return;
        }

        var ring = cluster.Ring;
        var ranges = Ranges(ring, ring.Replicas);
        var endpoints = ring.Nodes.Select(n => Endpoint(cluster.RespEndpointOf(n.Id))).ToArray();
        var reply = client.Reply;
        reply.ArrayHeader(ranges.Count);
        foreach (var (start, end) in ranges)
        {
            var owners = ring.OwnerIndices(start);
            reply.ArrayHeader(2 + owners.Length);
            reply.Integer(start);
            reply.Integer(end);
            foreach (var owner in owners)
            {
                reply.ArrayHeader(4);
                reply.Bulk(endpoints[owner].Ip);
                reply.Integer(endpoints[owner].Port);
                reply.Bulk(ClusterMembership.IdOf(ring.Nodes[owner].Id));
                reply.MapHeader(0);
            }
        }
    }

    // Redis' shard is a primary and its replicas, and every node is in exactly one shard; clients
    // that read SHARDS key their node table on that. Our copies are per slot: a node is primary
    // for some slots and a replica for others, with a different replica set from slot to slot,
    // so no shard could name replicas truthfully for all of its slots. Each member is therefore
    // its own shard: the slots it is primary for, itself as the only (master) node. Clients that
    // read from replicas get the exact owner list per range from CLUSTER SLOTS (or CLUSTER RING).
    private static void Shards(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out var cluster))
        {
            return;
        }

        var ring = cluster.Ring;
        var byPrimary = new Dictionary<string, List<(int Start, int End)>>(StringComparer.Ordinal);
        foreach (var range in Ranges(ring, 1))
        {
            var primary = ring.Nodes[ring.OwnerIndices(range.Start)[0]].Id;
            if (!byPrimary.TryGetValue(primary, out var list))
            {
                byPrimary[primary] = list = [];
            }

            list.Add(range);
        }

        var members = cluster.Gossip.Members;
        var reply = client.Reply;
        reply.ArrayHeader(members.Count);
        foreach (var member in members)
        {
            reply.MapHeader(2);
            reply.Bulk("slots"u8);
            var ranges = byPrimary.GetValueOrDefault(member.Name) ?? [];
            reply.ArrayHeader(ranges.Count * 2);
            foreach (var (start, end) in ranges)
            {
                reply.Integer(start);
                reply.Integer(end);
            }

            reply.Bulk("nodes"u8);
            reply.ArrayHeader(1);
            WriteShardNode(reply, member);
        }
    }

    private static void WriteShardNode(ReplyWriter reply, Member member)
    {
        var (ip, port) = Endpoint(NodeMetadata.Decode(member.Metadata.Span)?.RespEndpoint);
        reply.MapHeader(7);
        reply.Bulk("id"u8);
        reply.Bulk(ClusterMembership.IdOf(member.Name));
        reply.Bulk("port"u8);
        reply.Integer(port);
        reply.Bulk("ip"u8);
        reply.Bulk(ip);
        reply.Bulk("endpoint"u8);
        reply.Bulk(ip);
        reply.Bulk("role"u8);
        reply.Bulk("master"u8);
        reply.Bulk("replication-offset"u8);
        reply.Integer(0);
        reply.Bulk("health"u8);
        reply.Bulk(member.State is MemberState.Alive or MemberState.Suspect ? "online"u8 : "failed"u8);
    }

    /// <summary>Contiguous slot ranges over which the first <paramref name="width"/> owners stay the same.</summary>
    private static List<(int Start, int End)> Ranges(SlotMap ring, int width)
    {
        var ranges = new List<(int Start, int End)>();
        if (ring.Nodes.Count == 0)
        {
            return ranges;
        }

        var start = 0;
        for (var slot = 1; slot <= HashSlot.Count; slot++)
        {
            if (slot == HashSlot.Count || !ring.OwnerIndices(slot)[..width].SequenceEqual(ring.OwnerIndices(start)[..width]))
            {
                ranges.Add((start, slot - 1));
                start = slot;
            }
        }

        return ranges;
    }

    /// <summary>"ip:port" (or "[v6]:port") as its parts; ("", 0) when a member has not advertised one.</summary>
    private static (string Ip, int Port) Endpoint(string? endpoint) =>
        endpoint is not null && IPEndPoint.TryParse(endpoint, out var parsed) ? (parsed.Address.ToString(), parsed.Port) : ("", 0);
}
