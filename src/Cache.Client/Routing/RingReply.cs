using System.Globalization;
using Cache.Client.Resp;
using Cache.Gossip.Ring;

namespace Cache.Client.Routing;

/// <summary>
/// Reads CLUSTER RING: <c>[ring hash (16 hex), replicas, [[name, "ip:port", weight, zone], ...]]</c>,
/// and rebuilds the slot map with the nodes' own ring code, so client and nodes agree slot by slot.
/// </summary>
internal static class RingReply
{
    /// <summary>True when the node runs without a cluster (or predates CLUSTER RING): route every key to it.</summary>
    public static bool MeansStandalone(RespReply reply) =>
        reply.IsError && reply.Text is { } text
        && (text.Contains("cluster support disabled", StringComparison.OrdinalIgnoreCase)
            || text.Contains("unknown subcommand", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses the reply; false when it is not a well-formed ring.</summary>
    public static bool TryParse(RespReply reply, out string ringHash, out int replicas, out List<(RingNode Node, string Endpoint)> members)
    {
        ringHash = "";
        replicas = 0;
        members = [];
        if (reply.Kind != RespReplyKind.Array || reply.Items is not { Count: >= 3 } items
            || items[0].Text is not { } hash || items[1].Kind != RespReplyKind.Integer || items[2].Items is not { } list)
        {
            return false;
        }

        ringHash = hash;
        replicas = (int)Math.Clamp(items[1].Integer, 1, 16);
        foreach (var member in list)
        {
            if (member.Items is not { Count: >= 4 } fields || fields[0].Text is not { Length: > 0 } name || fields[1].Text is not { } endpoint)
            {
                return false;
            }

            var zone = fields[3].Text;
            members.Add((new RingNode(name, (int)fields[2].Integer, string.IsNullOrEmpty(zone) ? null : zone), endpoint));
        }

        return true;
    }

    /// <summary>Formats a map's hash as the node reports it.</summary>
    public static string FormatHash(ulong hash) => hash.ToString("x16", CultureInfo.InvariantCulture);
}
