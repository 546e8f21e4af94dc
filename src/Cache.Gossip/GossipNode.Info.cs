using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>Fields for the node's INFO gossip section, in a stable order.</summary>
public sealed partial class GossipNode
{
    /// <summary>
    /// Key/value pairs for an INFO section: members by state, local incarnation and health, protocol
    /// counters, traffic, and dropped packets by reason (snake_case keys, invariant numbers).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> InfoFields()
    {
        var m = Members;
        var s = Stats;
        var local = m[_options.NodeName];
        var fields = new List<KeyValuePair<string, string>>(32);
        void Add(string key, long value) => fields.Add(new(key, value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        fields.Add(new("gossip_node_name", _options.NodeName));
        fields.Add(new("gossip_address", _transport.LocalAddress));
        Add("gossip_members_alive", m.CountIn(MemberState.Alive));
        Add("gossip_members_suspect", m.CountIn(MemberState.Suspect));
        Add("gossip_members_dead", m.CountIn(MemberState.Dead));
        Add("gossip_members_left", m.CountIn(MemberState.Left));
        Add("gossip_incarnation", local?.Incarnation ?? 0);
        Add("gossip_health_score", HealthScore);
        Add("gossip_encrypted", _keyring.IsEnabled ? 1 : 0);
        Add("gossip_probes", s.Probes);
        Add("gossip_probe_failures", s.ProbeFailures);
        Add("gossip_indirect_probes", s.IndirectProbes);
        Add("gossip_suspicions", s.Suspicions);
        Add("gossip_refutations", s.Refutations);
        Add("gossip_deaths", s.Deaths);
        Add("gossip_push_pulls", s.PushPulls);
        Add("gossip_packets_in", s.PacketsIn);
        Add("gossip_packets_out", s.PacketsOut);
        Add("gossip_streams_in", s.StreamsIn);
        Add("gossip_streams_out", s.StreamsOut);
        Add("gossip_bytes_in", s.BytesIn);
        Add("gossip_bytes_out", s.BytesOut);
        Add("gossip_dropped_total", s.DroppedTotal);
        foreach (var reason in Enum.GetValues<DropReason>())
        {
            Add("gossip_dropped_" + System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(reason.ToString()), s.Dropped(reason));
        }

        return fields;
    }
}
