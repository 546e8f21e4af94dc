using System.Text;
using Cache.Gossip;
using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// CLUSTER NODES and CLUSTER MYID: the gossip membership in Redis Cluster's formats. Each node
/// is listed as a master with the slots it is primary for, so cluster-aware clients route keys
/// to their owner.
/// </summary>
internal static class ClusterCommand
{
    public static void Register(CommandTable table) =>
        table.Add(new CommandDefinition("cluster", -2, CommandFlags.None, null, "cluster", "A container for Redis Cluster commands.")
            .AddSubCommand(new("nodes", 2, CommandFlags.Stale, Nodes, "cluster", "Returns the cluster configuration for a node."))
            .AddSubCommand(new("myid", 2, CommandFlags.Stale, MyId, "cluster", "Returns the ID of a node."))
            .AddSubCommand(new("info", 2, CommandFlags.Stale, Info, "cluster", "Returns information about the state of a node."))
            .AddSubCommand(new("keyslot", 3, CommandFlags.Stale, KeySlot, "cluster", "Returns the hash slot for a key."))
            .AddSubCommand(new("slots", 2, CommandFlags.Stale, Slots, "cluster", "Returns the mapping of cluster slots to nodes."))
            .AddSubCommand(new("help", 2, CommandFlags.Stale, Help, "cluster", "Returns helpful text about the different subcommands.")));

    private static readonly string[] HelpLines =
    [
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MYID",
        "    Return the node id.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port@gossip-port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
    ];

    private static void Help(ClientSession client, in RespRequest request) => HelpReply.Write(client, "CLUSTER", HelpLines);

    // [[start, end, [ip, port, id]], ...] for every contiguous range of one primary, as Redis Cluster replies.
    private static void Slots(ClientSession client, in RespRequest request)
    {
        if (client.Server.Cluster is not { } cluster)
        {
            client.Reply.Error("ERR This instance has cluster support disabled"u8);
            return;
        }

        var ring = cluster.Ring;
        var ranges = new List<(int Start, int End, int Owner)>();
        for (var slot = 0; slot < HashSlot.Count && ring.Nodes.Count > 0; slot++)
        {
            var owner = ring.OwnerIndices(slot)[0];
            if (ranges.Count > 0 && ranges[^1].Owner == owner && ranges[^1].End == slot - 1)
            {
                ranges[^1] = (ranges[^1].Start, slot, owner);
            }
            else
            {
                ranges.Add((slot, slot, owner));
            }
        }

        var endpoints = ring.Nodes.Select(n => cluster.RespEndpointOf(n.Id) ?? ":0").ToArray();
        client.Reply.ArrayHeader(ranges.Count);
        foreach (var (start, end, owner) in ranges)
        {
            var endpoint = endpoints[owner];
            var colon = endpoint.LastIndexOf(':');
            client.Reply.ArrayHeader(3);
            client.Reply.Integer(start);
            client.Reply.Integer(end);
            client.Reply.ArrayHeader(3);
            client.Reply.Bulk(endpoint[..Math.Max(0, colon)]);
            client.Reply.Integer(int.TryParse(endpoint.AsSpan(colon + 1), out var port) ? port : 0);
            client.Reply.Bulk(ClusterMembership.IdOf(ring.Nodes[owner].Id));
        }
    }

    private static void KeySlot(ClientSession client, in RespRequest request) => client.Reply.Integer(HashSlot.ForKey(request[2]));

    private static void Info(ClientSession client, in RespRequest request)
    {
        if (client.Server.Cluster is not { } cluster)
        {
            client.Reply.Error("ERR This instance has cluster support disabled"u8);
            return;
        }

        var members = cluster.Gossip.Members;
        var ring = cluster.Ring;
        var text = new StringBuilder()
            .Append("cluster_enabled:1\r\n")
            .Append("cluster_state:").Append(ring.Nodes.Count > 0 ? "ok" : "fail").Append("\r\n")
            .Append("cluster_slots_assigned:").Append(ring.Nodes.Count > 0 ? HashSlot.Count : 0).Append("\r\n")
            .Append("cluster_slots_ok:").Append(ring.Nodes.Count > 0 ? HashSlot.Count : 0).Append("\r\n")
            .Append("cluster_slots_pfail:0\r\n")
            .Append("cluster_slots_fail:0\r\n")
            .Append("cluster_known_nodes:").Append(members.Count).Append("\r\n")
            .Append("cluster_size:").Append(ring.Nodes.Count).Append("\r\n")
            .Append("cluster_current_epoch:0\r\n")
            .Append("cluster_my_epoch:0\r\n");
        client.Reply.Verbatim(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static void MyId(ClientSession client, in RespRequest request)
    {
        if (client.Server.Cluster is not { } cluster)
        {
            client.Reply.Error("ERR This instance has cluster support disabled"u8);
            return;
        }

        client.Reply.Bulk(cluster.NodeId);
    }

    private static void Nodes(ClientSession client, in RespRequest request)
    {
        if (client.Server.Cluster is not { } cluster)
        {
            client.Reply.Error("ERR This instance has cluster support disabled"u8);
            return;
        }

        var text = new StringBuilder();
        var self = cluster.Gossip.Name;
        var ring = cluster.Ring;
        foreach (var member in cluster.Gossip.Members)
        {
            AppendLine(text, member, member.Name == self, ring);
        }

        client.Reply.Verbatim(Encoding.UTF8.GetBytes(text.ToString()));
    }

    // <id> <ip:port@gossip-port> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot ranges...>
    private static void AppendLine(StringBuilder text, Member member, bool myself, SlotMap ring)
    {
        var resp = NodeMetadata.Decode(member.Metadata.Span)?.RespEndpoint ?? ":0";
        var gossipPort = member.Address[(member.Address.LastIndexOf(':') + 1)..];
        var flags = member.State switch
        {
            MemberState.Suspect => "master,fail?",
            MemberState.Dead or MemberState.Left => "master,fail",
            _ => "master",
        };
        if (myself)
        {
            flags = "myself," + flags;
        }

        var link = member.State is MemberState.Alive or MemberState.Suspect ? "connected" : "disconnected";
        text.Append(ClusterMembership.IdOf(member.Name)).Append(' ')
            .Append(resp).Append('@').Append(gossipPort).Append(' ')
            .Append(flags).Append(" - 0 0 ")
            .Append(member.Incarnation).Append(' ')
            .Append(link);
        AppendPrimaryRanges(text, member.Name, ring);
        text.Append('\n');
    }

    // Cluster-aware clients (StackExchange.Redis) build their slot table from these ranges.
    private static void AppendPrimaryRanges(StringBuilder text, string name, SlotMap ring)
    {
        var index = -1;
        for (var i = 0; i < ring.Nodes.Count; i++)
        {
            if (ring.Nodes[i].Id == name)
            {
                index = i;
            }
        }

        if (index < 0)
        {
            return;
        }

        var start = -1;
        for (var slot = 0; slot <= HashSlot.Count; slot++)
        {
            var owned = slot < HashSlot.Count && ring.OwnerIndices(slot)[0] == index;
            if (owned && start < 0)
            {
                start = slot;
            }
            else if (!owned && start >= 0)
            {
                text.Append(' ').Append(start);
                if (slot - 1 > start)
                {
                    text.Append('-').Append(slot - 1);
                }

                start = -1;
            }
        }
    }
}
