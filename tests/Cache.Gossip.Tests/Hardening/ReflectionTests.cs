using Cache.Gossip.Tests.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Hardening;

/// <summary>UDP reflection: answers go to the address a request came from, never to one named in its payload.</summary>
public sealed class ReflectionTests
{
    [Fact]
    public async Task A_ping_naming_a_victim_is_acked_to_its_source()
    {
        await using var c = new SimCluster(seed: 31);
        c.Add("n0");
        var attacker = new RawPeer(c.Network, "attacker");
        var victim = new RawPeer(c.Network, "victim");

        attacker.Send("n0", RawPeer.Plain(w => MessageCodec.Write(w, new PingMessage(77, "n0", "attacker", "victim"))));
        c.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(victim.Received);
        Assert.Contains((MessageType.Ack, 77u), attacker.Messages());
    }

    [Fact]
    public async Task An_indirect_ping_is_relayed_to_the_known_member_and_acked_to_the_requesters_source()
    {
        await using var c = new SimCluster(seed: 32);
        c.AddJoined(2);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        var attacker = new RawPeer(c.Network, "attacker");
        var victim = new RawPeer(c.Network, "victim");
        var pingsToMember = 0;
        c.Network.PacketSent += (from, to, _) => pingsToMember += from == "n0000" && to == "n0001" ? 1 : 0;

        // Names a real member but the victim's address, and the victim as the requester.
        attacker.Send("n0000", RawPeer.Plain(w => MessageCodec.Write(w, new IndirectPingMessage(5, "n0001", "victim", true, "attacker", "victim"))));
        c.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(victim.Received);
        Assert.True(pingsToMember > 0);
        var got = attacker.Messages();
        Assert.Contains((MessageType.Ack, 5u), got);
        Assert.DoesNotContain((MessageType.Nack, 5u), got);
    }

    [Fact]
    public async Task An_indirect_ping_for_a_stranger_is_refused_with_a_nack_to_its_source()
    {
        await using var c = new SimCluster(seed: 33);
        var node = c.Add("n0");
        var attacker = new RawPeer(c.Network, "attacker");
        var victim = new RawPeer(c.Network, "victim");

        attacker.Send("n0", RawPeer.Plain(w => MessageCodec.Write(w, new IndirectPingMessage(6, "ghost", "victim", true, "attacker", "victim"))));
        c.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(victim.Received);
        Assert.Equal([(MessageType.Nack, 6u)], attacker.Messages().Where(m => m.Type is MessageType.Ack or MessageType.Nack));
        Assert.Equal(1, node.Stats.Dropped(DropReason.UnknownTarget));
    }

    [Fact]
    public async Task A_relay_whose_target_is_down_still_nacks_the_requester()
    {
        await using var c = new SimCluster(seed: 34);
        c.AddJoined(3);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        await c.KillAsync(c.Nodes[2]);
        var requester = new RawPeer(c.Network, "requester");

        requester.Send("n0000", RawPeer.Plain(w => MessageCodec.Write(w, new IndirectPingMessage(9, "n0002", "n0002", true, "requester", "elsewhere"))));
        c.Clock.Advance(TimeSpan.FromSeconds(2));

        // Lifeguard: the nack tells the requester its relay is alive, so a missing ack blames the target.
        var got = requester.Messages();
        Assert.Contains((MessageType.Nack, 9u), got);
        Assert.DoesNotContain((MessageType.Ack, 9u), got);
    }
}
