using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// REPLICAOF (and its old name SLAVEOF) and ROLE. REPLICAOF host port makes this node a replica
/// of a Redis master (<see cref="ReplicaRole"/>), for migrating a running redis-server's data;
/// REPLICAOF NO ONE makes it a master again, keeping the data. A node in a GossipCache cluster
/// of several nodes refuses: the ring is masterless, every node a primary for its own slots.
/// </summary>
internal static class ReplicaOfCommands
{
    private const string Group = "server";
    private const CommandFlags Flags = CommandFlags.Admin | CommandFlags.NoScript | CommandFlags.Stale | CommandFlags.NoAsyncLoading;

    /// <summary>Why a node of a several-node ring refuses REPLICAOF host port.</summary>
    internal const string ClusterRefusal = "ERR REPLICAOF is not allowed in a GossipCache cluster of several nodes: the ring is masterless (each node is a primary for its slots). Run REPLICAOF on a node started alone, then let others join it";

    public static void Register(CommandTable table)
    {
        table.Add(new("replicaof", 3, Flags, ReplicaOf, Group, "Configures a server as replica of another, or promotes it to a master.") { Since = "5.0.0" });
        table.Add(new("slaveof", 3, Flags, ReplicaOf, Group, "Sets a Redis server as a replica of another, or promotes it to being a master.") { Since = "1.0.0" });
        table.Add(new("role", 1, CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale | CommandFlags.Fast, Role, Group, "Returns the replication role.")
        {
            Acl = AclCategories.Admin | AclCategories.Dangerous,
            Since = "2.8.12",
        });
    }

    private static void ReplicaOf(ClientSession client, in RespRequest request)
    {
        var role = client.Server.ReplicaRole;
        if (Ascii.EqualsIgnoreCase(request[1], "no"u8) && Ascii.EqualsIgnoreCase(request[2], "one"u8))
        {
            if (role.IsReplica)
            {
                role.Stop();
            }

            client.Reply.Ok();
            return;
        }

        if (client.Server.Cluster is { } cluster && (cluster.HasSeeds || cluster.HasMetPeer))
        {
            client.Reply.Error(ClusterRefusal);
            return;
        }

        if (client.Replica is not null)
        {
            client.Reply.Error("ERR Command is not valid when client is a replica."u8);
            return;
        }

        if (!RespNumbers.TryParseInt64(request[2], out var port) || port is < 0 or > 65535)
        {
            client.Reply.Error("ERR Invalid master port"u8);
            return;
        }

        var host = System.Text.Encoding.UTF8.GetString(request[1]);
        if (role.IsReplica && string.Equals(role.MasterHost, host, StringComparison.OrdinalIgnoreCase) && role.MasterPort == port)
        {
            client.Reply.SimpleString("OK Already connected to specified master"u8);
            return;
        }

        role.Follow(host, (int)port);
        client.Reply.Ok();
    }

    private static void Role(ClientSession client, in RespRequest request)
    {
        var role = client.Server.ReplicaRole;
        var reply = client.Reply;
        if (role.IsReplica)
        {
            reply.ArrayHeader(5);
            reply.Bulk("slave"u8);
            reply.Bulk(role.MasterHost!);
            reply.Integer(role.MasterPort);
            reply.Bulk(StateName(role.State));
            reply.Integer(role.LinkUp ? role.Offset : -1);
            return;
        }

        var feed = client.Server.Feed;
        reply.ArrayHeader(3);
        reply.Bulk("master"u8);
        reply.Integer(feed.Offset);
        reply.ArrayHeader(feed.Replicas.Count);
        foreach (var replica in feed.Replicas)
        {
            var (ip, port) = replica.Endpoint();
            reply.ArrayHeader(3);
            reply.Bulk(ip);
            reply.Bulk(port);
            reply.Bulk(replica.AckOffset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>ROLE's name for a link state.</summary>
    internal static string StateName(MasterLinkState state) => state switch
    {
        MasterLinkState.Connect => "connect",
        MasterLinkState.Connecting => "connecting",
        MasterLinkState.Handshake => "handshake",
        MasterLinkState.Transfer => "sync",
        MasterLinkState.Connected => "connected",
        _ => "unknown",
    };
}
