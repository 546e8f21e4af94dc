using System.Text;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Simulation;

public sealed class LeaveAndMetadataTests
{
    [Fact]
    public async Task Graceful_leave_is_seen_as_left_not_failed_and_is_reaped_later()
    {
        await using var c = new SimCluster(seed: 31);
        c.AddJoined(8);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var leaver = c.Nodes[3];
        var leave = leaver.LeaveAsync(TimeSpan.FromSeconds(30));
        c.RunUntil(() => c.Nodes.All(n => n.Members[leaver.Name]?.State == MemberState.Left), TimeSpan.FromSeconds(5));
        // Enough rounds for the leave to be retransmitted to its limit; the wait then ends without the clock.
        c.Clock.Advance(TimeSpan.FromSeconds(3));
        await leave;
        await c.KillAsync(leaver);
        Assert.DoesNotContain(c.Events, e => e.Kind == MembershipEventKind.Failed);
        Assert.Equal(8, c.Events.Count(e => e.Kind == MembershipEventKind.Left && e.Member.Name == leaver.Name && e.Member.State == MemberState.Left));
        // Left members are removed after GossipToTheDeadTime (30 s) at the end of a probe round.
        c.RunUntil(() => c.Live.All(n => n.Members[leaver.Name] is null), TimeSpan.FromSeconds(60));
        Assert.All(c.Live, n => Assert.Equal(7, n.Members.Count));
    }

    [Fact]
    public async Task Metadata_update_reaches_everyone_with_a_higher_incarnation()
    {
        await using var c = new SimCluster(seed: 32, o => o.Metadata = Encoding.UTF8.GetBytes("zone=a"));
        c.AddJoined(12);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        Assert.All(c.Nodes, n => Assert.Equal("zone=a", Encoding.UTF8.GetString(n.Members["n0005"]!.Metadata.Span)));
        var node = c.Nodes[5];
        await node.UpdateMetadataAsync(Encoding.UTF8.GetBytes("zone=b;weight=2"));
        c.RunUntil(() => c.Nodes.All(n => n.Members["n0005"]!.Metadata.Span.SequenceEqual("zone=b;weight=2"u8)), TimeSpan.FromSeconds(10));
        Assert.All(c.Nodes, n => Assert.Equal(2u, n.Members["n0005"]!.Incarnation));
        Assert.Equal(12, c.Events.Count(e => e.Kind == MembershipEventKind.Updated && e.Member.Name == "n0005"));
        await Assert.ThrowsAsync<ArgumentException>(async () => await node.UpdateMetadataAsync(new byte[513]));
    }

    [Fact]
    public async Task Events_arrive_with_increasing_versions()
    {
        await using var c = new SimCluster(seed: 33);
        var versions = new List<long>();
        var first = c.Add("first");
        first.MembershipChanged += (_, e) => versions.Add(e.Version);
        c.AddJoined(5);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Distinct().Count(), versions.Count);
        Assert.True(first.Members.Version >= versions[^1]);
    }

    [Fact]
    public async Task Restarted_node_with_same_name_rejoins_and_refutes_its_death()
    {
        await using var c = new SimCluster(seed: 34);
        c.AddJoined(10);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var victim = c.Nodes[6];
        await c.KillAsync(victim);
        c.RunUntil(() => c.AllSeeDead(victim), TimeSpan.FromSeconds(60));
        var deadAt = c.Nodes[0].Members[victim.Name]!.Incarnation;
        c.Nodes.Remove(victim);
        c.Down.Remove(victim);
        var reborn = c.Add(victim.Name); // new process: incarnation starts at 1 again
        reborn.StartJoin(c.Nodes[0].Name);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        Assert.True(reborn.LocalMember.Incarnation > deadAt);
        Assert.Contains(c.Events, e => e.Kind == MembershipEventKind.Joined && e.Member.Name == victim.Name && e.Member.Incarnation > deadAt);
    }

    [Fact]
    public async Task Info_fields_report_members_and_counters()
    {
        await using var c = new SimCluster(seed: 35);
        c.AddJoined(3);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        c.Clock.Advance(TimeSpan.FromSeconds(5));
        c.Nodes[0].OnPacket("garbage", new byte[] { 1, 2, 3, 4 });
        var info = c.Nodes[0].InfoFields().ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("n0000", info["gossip_node_name"]);
        Assert.Equal("3", info["gossip_members_alive"]);
        Assert.Equal("0", info["gossip_members_suspect"]);
        Assert.Equal("1", info["gossip_incarnation"]);
        Assert.Equal("1", info["gossip_dropped_bad_magic"]);
        Assert.Equal("0", info["gossip_dropped_unexpected_encryption"]);
        Assert.True(long.Parse(info["gossip_packets_out"]) > 0);
        Assert.Equal(Enum.GetValues<DropReason>().Length + 23, info.Count);
    }
}
