using System.Text;
using Cache.Gossip;

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

        var gossip = cluster.Gossip;
        var members = gossip.Members;
        var stats = gossip.Stats;
        Line(text, "gossip_enabled", 1);
        Line(text, "node_name", gossip.Name);
        Line(text, "node_id", cluster.NodeId);
        Line(text, "gossip_address", gossip.Address);
        Line(text, "members_version", members.Version);
        Line(text, "members_alive", members.CountIn(MemberState.Alive));
        Line(text, "members_suspect", members.CountIn(MemberState.Suspect));
        Line(text, "members_dead", members.CountIn(MemberState.Dead));
        Line(text, "members_left", members.CountIn(MemberState.Left));
        Line(text, "incarnation", gossip.LocalMember.Incarnation);
        Line(text, "health_score", gossip.HealthScore);
        Line(text, "probes", stats.Probes);
        Line(text, "probe_failures", stats.ProbeFailures);
        Line(text, "indirect_probes", stats.IndirectProbes);
        Line(text, "suspicions", stats.Suspicions);
        Line(text, "refutations", stats.Refutations);
        Line(text, "deaths", stats.Deaths);
        Line(text, "push_pulls", stats.PushPulls);
        Line(text, "packets_in", stats.PacketsIn);
        Line(text, "packets_out", stats.PacketsOut);
        Line(text, "bytes_in", stats.BytesIn);
        Line(text, "bytes_out", stats.BytesOut);
        Line(text, "dropped_packets", stats.DroppedTotal);
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            Line(text, "dropped_" + ToSnakeCase(reason.ToString()), stats.Dropped(reason));
        }
    }

    private static string ToSnakeCase(string name)
    {
        var result = new StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && result.Length > 0)
            {
                result.Append('_');
            }

            result.Append(char.ToLowerInvariant(c));
        }

        return result.ToString();
    }
}
