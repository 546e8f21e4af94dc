using Cache.Gossip.Tests.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Hardening;

/// <summary>A captured encrypted packet or stream message re-sent later is dropped.</summary>
public sealed class ReplayTests
{
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task A_captured_packet_replayed_is_dropped_and_stale_once_past_the_skew()
    {
        await using var c = new SimCluster(seed: 41, o =>
        {
            o.SecretKey = Key;
            o.MaxClockSkew = TimeSpan.FromSeconds(30);
        });
        c.AddJoined(3);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        byte[]? captured = null;
        c.Network.PacketSent += (from, to, packet) => captured ??= from == "n0001" && to == "n0000" ? packet : null;
        c.RunUntil(() => captured is not null, TimeSpan.FromSeconds(10));
        c.Clock.Advance(TimeSpan.FromSeconds(1)); // delivered once, for real
        var n0 = c.Nodes[0];
        var attacker = new RawPeer(c.Network, "attacker");
        Assert.Equal(0, n0.Stats.Dropped(DropReason.Replayed));

        attacker.Send("n0000", captured!);
        attacker.Send("n0000", captured!);
        c.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, n0.Stats.Dropped(DropReason.Replayed));

        c.Clock.Advance(TimeSpan.FromSeconds(30));
        attacker.Send("n0000", captured!);
        c.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, n0.Stats.Dropped(DropReason.Stale));
        Assert.Equal(2, n0.Stats.Dropped(DropReason.Replayed));
        // Only what was replayed was dropped: the cluster itself never lost a packet to the guard.
        Assert.True(c.Converged());
        Assert.All(c.Nodes.Skip(1), n => Assert.Equal(0, n.Stats.Dropped(DropReason.Replayed) + n.Stats.Dropped(DropReason.Stale)));
    }

    [Fact]
    public async Task A_captured_push_pull_request_replayed_gets_no_answer()
    {
        await using var c = new SimCluster(seed: 42, o => o.SecretKey = Key);
        c.AddJoined(2);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        byte[]? captured = null;
        c.Network.StreamSent += (from, to, request) => captured ??= from == "n0001" && to == "n0000" ? request : null;
        c.Nodes[1].StartJoin("n0000");
        c.RunUntil(() => captured is not null, TimeSpan.FromSeconds(5));
        c.Clock.Advance(TimeSpan.FromSeconds(1));
        var attacker = new RawPeer(c.Network, "attacker");
        var answered = 0;
        var completed = 0;

        attacker.Exchange("n0000", captured!, r =>
        {
            completed++;
            answered += r is null ? 0 : 1;
        });
        c.Clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(1, completed);
        Assert.Equal(0, answered);
        Assert.Equal(1, c.Nodes[0].Stats.Dropped(DropReason.Replayed));
    }

    [Fact]
    public async Task A_restarted_member_is_not_mistaken_for_a_replay()
    {
        await using var c = new SimCluster(seed: 43, o => o.SecretKey = Key);
        c.AddJoined(3);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var old = c.Nodes[2];
        c.Nodes.Remove(old);
        await old.DisposeAsync();
        c.Clock.Advance(TimeSpan.FromMilliseconds(5));

        var again = c.Add("n0002"); // same name, a fresh process: its sequence restarts from its clock
        again.StartJoin("n0000");
        c.Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.True(c.Converged());
        Assert.All(c.Nodes, n => Assert.Equal(0, n.Stats.Dropped(DropReason.Replayed)));
    }
}
