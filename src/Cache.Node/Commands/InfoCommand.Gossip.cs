using System.Text;

namespace Cache.Node.Commands;

/// <summary>INFO gossip: the membership by state and the failure detector's counters.</summary>
internal static partial class InfoCommand
{
    private static void Gossip(StringBuilder text, ClientSession client)
    {
        if (client.Server.Cluster is not { } cluster)
        {
            Line(text, "gossip_enabled", 0);
            return;
        }

        Line(text, "gossip_enabled", 1);
        Line(text, "gossip_node_id", cluster.NodeId);
        Line(text, "gossip_members_version", cluster.Gossip.Members.Version);
        foreach (var (field, value) in cluster.Gossip.InfoFields())
        {
            Line(text, field, value);
        }
    }
}
