using System.Text;

namespace Cache.Node.Commands;

/// <summary>
/// INFO gossip: the membership by state and the failure detector's counters. INFO cluster: the
/// ring, replication, forwarding and hand-off.
/// </summary>
internal static partial class InfoCommand
{
    private static void Cluster(StringBuilder text, ClientSession client)
    {
        var server = client.Server;
        Line(text, "cluster_enabled", server.Cluster is null ? 0 : 1);
        Line(text, "cluster_secret", server.Settings.ClusterSecretSource);
        Line(text, "cluster_peer_auth_accepted", server.PeerAuth.Accepted);
        Line(text, "cluster_peer_auth_refused", server.PeerAuth.Refused);
        Line(text, "cluster_max_clock_offset_ms", server.Keys.RemoteClocks.MaxOffsetMs);
        Line(text, "cluster_clock_offset_refused", server.Keys.RemoteClocks.Refused);
        if (server.Cluster is not { } cluster || server.Replication is not { } replication)
        {
            return;
        }

        var ring = cluster.Ring;
        Line(text, "cluster_ring_nodes", ring.Nodes.Count);
        Line(text, "cluster_ring_hash", ring.Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        Line(text, "cluster_replicas_configured", cluster.ConfiguredReplicas);
        Line(text, "cluster_replicas", ring.Replicas);
        var quorum = replication.Quorum;
        var required = quorum.Required;
        Line(text, "cluster_voters", cluster.Voters.Nodes.Count);
        Line(text, "cluster_voters_reachable", quorum.ReachableVoters());
        Line(text, "cluster_write_quorum", required == int.MaxValue ? -1 : required);
        Line(text, "cluster_quorum_reachable", quorum.Reachable(-1) ? 1 : 0);
        Line(text, "cluster_minority_reads", server.Settings.AllowMinorityReads ? "allow" : "refuse");
        var stats = replication.Stats;
        Line(text, "cluster_writes_refused_no_quorum", stats.WritesRefusedNoQuorum);
        Line(text, "cluster_reads_refused_no_quorum", stats.ReadsRefusedNoQuorum);
        Line(text, "cluster_refused_writes_dropped", stats.RefusedDropped);
        Line(text, "cluster_late_writes_refused", stats.LateWritesRefused);
        Line(text, "cluster_forwarded_commands", stats.Forwarded);
        Line(text, "cluster_ring_disagreements", stats.RingDisagreements);
        Line(text, "cluster_forward_failures", stats.ForwardFailed);
        Line(text, "cluster_served_for_unreachable_primary", stats.RanForUnreachablePrimary);
        Line(text, "cluster_replication_batches_sent", stats.Sent);
        Line(text, "cluster_replication_failures", stats.FailedSends);
        Line(text, "cluster_write_quorum_missed", stats.QuorumMissed);
        Line(text, "cluster_replicated_entries_applied", stats.Applied);
        var traffic = stats.Traffic;
        Line(text, "cluster_replication_bytes_sent", traffic.Bytes);
        Line(text, "cluster_replication_deltas_sent", traffic.Deltas);
        Line(text, "cluster_replication_full_entries_sent", traffic.FullEntries);
        Line(text, "cluster_replication_delta_fallbacks", traffic.Fallbacks);
        Line(text, "cluster_replication_deltas_applied", stats.DeltasApplied);
        Line(text, "cluster_replication_deltas_refused", stats.DeltasRefused);
        var p = 0;
        foreach (var (peer, bytes, deltas, full, fallbacks) in traffic.Peers())
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"cluster_replication_peer{p++}:id={peer},bytes_sent={bytes},deltas={deltas},full={full},fallbacks={fallbacks}\r\n");
        }

        Line(text, "cluster_read_quorum", server.Settings.ReadQuorum);
        Line(text, "cluster_read_repairs", stats.ReadRepairs);
        Line(text, "cluster_read_quorum_missed", stats.ReadQuorumMissed);
        var ae = server.AntiEntropyStats;
        Line(text, "cluster_antientropy_interval_ms", (long)server.Settings.AntiEntropyInterval.TotalMilliseconds);
        Line(text, "cluster_antientropy_rounds", ae.Rounds);
        Line(text, "cluster_antientropy_rounds_in_sync", ae.RoundsInSync);
        Line(text, "cluster_antientropy_failed_rounds", ae.FailedRounds);
        Line(text, "cluster_antientropy_slots_compared", ae.SlotsCompared);
        Line(text, "cluster_antientropy_slots_repaired", ae.SlotsRepaired);
        Line(text, "cluster_antientropy_entries_pulled", ae.EntriesPulled);
        Line(text, "cluster_antientropy_entries_pushed", ae.EntriesPushed);
        Line(text, "cluster_antientropy_bytes", ae.Bytes);
        Line(text, "cluster_antientropy_slots_pending", ae.SlotsPending);
        var n = 0;
        foreach (var (peer, rounds, failed, lastRound, lastFullSync) in ae.Peers())
        {
            // Like INFO replication's slaveN lines: one per peer, fields comma-separated.
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"cluster_antientropy_peer{n++}:id={peer},rounds={rounds},failed={failed},last_round_ms_ago={lastRound},last_full_sync_ms_ago={lastFullSync}\r\n");
        }

        Line(text, "cluster_handoff_in_progress", server.HandOff?.Pending ?? 0);
        Line(text, "cluster_handoff_retrying", server.HandOff?.Retrying ?? 0);
        Line(text, "cluster_handoff_entries", stats.HandOffEntries);
    }

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
