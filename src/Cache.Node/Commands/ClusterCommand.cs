using System.Diagnostics.CodeAnalysis;
using System.Text;
using Cache.Gossip;
using Cache.Gossip.Ring;
using Cache.Gossip.Wire;
using Cache.Node.Cluster;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// CLUSTER and READONLY/READWRITE: the gossip membership and slot map in Redis Cluster's
/// formats, plus CLUSTER RING (ours) for clients that compute the slot map themselves. Each node
/// is listed as a master with the slots it is primary for, so cluster-aware clients route keys
/// to their owner.
/// </summary>
internal static partial class ClusterCommand
{
    private const string Group = "cluster";
    private const string NondeterministicOutput = "nondeterministic_output";

    public static void Register(CommandTable table)
    {
        table.Add(new CommandDefinition("cluster", -2, CommandFlags.None, null, Group, "A container for Redis Cluster commands.")
            .AddSubCommand(new("countkeysinslot", 3, CommandFlags.Stale, CountKeysInSlot, Group, "Returns the number of keys in a hash slot."))
            .AddSubCommand(new("forget", 3, CommandFlags.Admin | CommandFlags.Stale | CommandFlags.NoAsyncLoading, Forget, Group, "Removes a node from the nodes table.") { Acl = AclCategories.Dangerous })
            .AddSubCommand(new("getkeysinslot", 4, CommandFlags.Stale, GetKeysInSlot, Group, "Returns the key names in a hash slot.") { Tips = [NondeterministicOutput] })
            .AddSubCommand(new("help", 2, CommandFlags.Loading | CommandFlags.Stale, Help, Group, "Returns helpful text about the different subcommands."))
            .AddSubCommand(new("info", 2, CommandFlags.Stale, Info, Group, "Returns information about the state of a node.") { Tips = [NondeterministicOutput] })
            .AddSubCommand(new("keyslot", 3, CommandFlags.Stale, KeySlot, Group, "Returns the hash slot for a key."))
            .AddSubCommand(new("myid", 2, CommandFlags.Stale, Aware(MyId), Group, "Returns the ID of a node."))
            .AddSubCommand(new("nodes", 2, CommandFlags.Stale, Aware(Nodes), Group, "Returns the cluster configuration for a node.") { Tips = [NondeterministicOutput] })
            .AddSubCommand(new("reset", -2, CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Stale, Reset, Group, "Resets a node.") { Acl = AclCategories.Dangerous })
            .AddSubCommand(new("ring", 2, CommandFlags.Stale, Aware(Ring), Group, "Returns the ring members and replica count a client needs to compute the slot map (GossipCache).") { Tips = [NondeterministicOutput] })
            .AddSubCommand(new("shards", 2, CommandFlags.Stale, Aware(Shards), Group, "Returns the mapping of cluster slots to shards.") { Tips = [NondeterministicOutput] })
            .AddSubCommand(new("slots", 2, CommandFlags.Stale, Aware(Slots), Group, "Returns the mapping of cluster slots to nodes.") { Tips = [NondeterministicOutput] }));
        table.Add(new("readonly", 1, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale, ReadOnly, Group, "Enables read queries for a connection to a cluster replica node.") { Acl = AclCategories.Connection });
        table.Add(new("readwrite", 1, CommandFlags.Fast | CommandFlags.Loading | CommandFlags.Stale, ReadWrite, Group, "Enables read-write queries for a connection to a Redis Cluster replica node.") { Acl = AclCategories.Connection });
    }

    private static readonly string[] HelpLines =
    [
        "COUNTKEYSINSLOT <slot>",
        "    Return the number of keys in <slot>.",
        "FORGET <node-id>",
        "    Stop counting a failed node toward write quorums (send it to every node).",
        "GETKEYSINSLOT <slot> <count>",
        "    Return key names stored by current node in a slot.",
        "INFO",
        "    Return information about the cluster.",
        "KEYSLOT <key>",
        "    Return the hash slot for <key>.",
        "MYID",
        "    Return the node id.",
        "NODES",
        "    Return cluster configuration seen by node. Output format:",
        "    <id> <ip:port@gossip-port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
        "RING",
        "    Return what a client needs to compute the slot map itself (GossipCache):",
        "    ring hash (16 hex digits), replicas, and [name, ip:port, weight, zone] per member.",
        "SLOTS",
        "    Return information about slots range mappings. Each range is made of:",
        "    start, end, master and replicas IP addresses, ports and ids",
        "SHARDS",
        "    Return information about slot range mappings and the nodes associated with them.",
    ];

    // A client that asks for the topology (NODES, SLOTS, SHARDS, MYID, RING) routes by slot itself:
    // it gets MOVED, not forwarding. Questions a person types into plain redis-cli (HELP, INFO,
    // KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT) leave the connection as it was.
    private static CommandHandler Aware(CommandHandler handler) => (ClientSession client, in RespRequest request) =>
    {
        client.Connection.ClusterAware = true;
        handler(client, request);
    };

    /// <summary>The cluster, or false after Redis' reply for a node without cluster support.</summary>
    private static bool TryGetCluster(ClientSession client, [NotNullWhen(true)] out ClusterMembership? cluster)
    {
        cluster = client.Server.Cluster;
        if (cluster is null)
        {
            client.Reply.Error("ERR This instance has cluster support disabled"u8);
            return false;
        }

        return true;
    }

    private static void Help(ClientSession client, in RespRequest request) => HelpReply.Write(client, "CLUSTER", HelpLines);

    // Redis' reset forgets every other node and the slot table; here both are computed from gossip, so there is
    // nothing to reset (listed so scripts and ACLs meet it as Redis has it: admin, dangerous, noscript).
    private static void Reset(ClientSession client, in RespRequest request) =>
        client.Reply.Error("ERR CLUSTER RESET is not supported: membership and slots come from gossip; stop the node (SHUTDOWN) to take it out of the cluster"u8);

    private static void KeySlot(ClientSession client, in RespRequest request) => client.Reply.Integer(HashSlot.ForKey(request[2]));

    private static void Info(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out var cluster))
        {
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
        if (!TryGetCluster(client, out var cluster))
        {
            return;
        }

        client.Reply.Bulk(cluster.NodeId);
    }

    private static void Nodes(ClientSession client, in RespRequest request)
    {
        if (!TryGetCluster(client, out var cluster))
        {
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
        var index = ring.IndexOf(name);
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
