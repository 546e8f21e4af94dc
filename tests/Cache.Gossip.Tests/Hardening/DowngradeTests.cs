using Cache.Gossip.Tests.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Hardening;

/// <summary>Once a key is set, plain packets and plain stream messages are refused and counted: no downgrade.</summary>
public sealed class DowngradeTests
{
    private static readonly byte[] Key = Enumerable.Range(90, 24).Select(i => (byte)i).ToArray();

    private static byte[] PlainPushPull(string sender, params string[] members) =>
        RawPeer.Plain(w => MessageCodec.WritePushPull(w, false, sender,
            [.. members.Select(m => new PushPullEntry(m, m, 1, MemberState.Alive, []))]));

    [Fact]
    public async Task A_keyed_node_refuses_plain_datagrams_and_plain_push_pull_both_ways()
    {
        await using var c = new SimCluster(seed: 61, o => o.SecretKey = Key);
        var node = c.Add("n0");
        var attacker = new RawPeer(c.Network, "attacker") { Answer = _ => PlainPushPull("attacker", "attacker", "ghost2") };

        attacker.Send("n0", RawPeer.Plain(w =>
        {
            MessageCodec.Write(w, new PingMessage(3, "n0", "attacker", "attacker"));
            MessageCodec.Write(w, new AliveMessage(1, "ghost", "ghost", []));
        }));
        byte[]? answer = [];
        attacker.Exchange("n0", PlainPushPull("attacker", "attacker", "ghost"), r => answer = r);
        node.StartJoin("attacker"); // and the answer to our own push/pull is plain
        c.Clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Empty(attacker.Received); // no ack
        Assert.Null(answer);
        Assert.Single(node.Members);
        Assert.Equal(3, node.Stats.Dropped(DropReason.Unencrypted));
        Assert.Contains(new KeyValuePair<string, string>("gossip_dropped_unencrypted", "3"), node.InfoFields());
    }

    [Fact]
    public async Task Installing_a_key_on_a_running_plain_node_ends_plain_traffic()
    {
        await using var c = new SimCluster(seed: 62);
        var node = c.Add("n0");
        var attacker = new RawPeer(c.Network, "attacker");
        var ping = RawPeer.Plain(w => MessageCodec.Write(w, new PingMessage(4, "n0", "attacker", "attacker")));
        attacker.Send("n0", ping);
        c.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(attacker.Received);

        node.Keyring.Install(Key);
        attacker.Send("n0", ping);
        c.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Single(attacker.Received);
        Assert.Equal(1, node.Stats.Dropped(DropReason.Unencrypted));
    }
}
