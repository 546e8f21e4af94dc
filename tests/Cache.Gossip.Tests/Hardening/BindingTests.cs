using System.Text;
using Cache.Gossip.Tests.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Hardening;

/// <summary>The label, the sender and the sequence are AES-GCM associated data: rewriting any of them fails authentication.</summary>
public sealed class BindingTests
{
    private static readonly byte[] Key = Enumerable.Range(50, 16).Select(i => (byte)i).ToArray();

    [Fact]
    public void A_packet_of_another_cluster_with_the_same_key_fails_authentication_once_relabelled()
    {
        var ring = new Keyring(Key);
        var packet = PacketEnvelope.Seal("body"u8, Encoding.UTF8.GetBytes("gamma"), ring, "b0"u8.ToArray(), 1);

        Assert.False(PacketEnvelope.TryOpen(packet, Encoding.UTF8.GetBytes("alpha"), ring, out _, out var asIs));
        Assert.Equal(DropReason.LabelMismatch, asIs);
        Encoding.UTF8.GetBytes("alpha").CopyTo(packet.AsSpan(4)); // same length: only the label changes
        Assert.False(PacketEnvelope.TryOpen(packet, Encoding.UTF8.GetBytes("alpha"), ring, out _, out var relabelled));
        Assert.Equal(DropReason.DecryptFailed, relabelled);
    }

    [Fact]
    public void An_unlabelled_packet_given_a_label_fails_authentication()
    {
        var ring = new Keyring(Key);
        var packet = PacketEnvelope.Seal("body"u8, [], ring, "b0"u8.ToArray(), 1);
        var label = Encoding.UTF8.GetBytes("alpha");
        byte[] labelled = [packet[0], packet[1], (byte)(packet[2] | PacketEnvelope.FlagLabelled), (byte)label.Length, .. label, .. packet.AsSpan(3)];

        Assert.False(PacketEnvelope.TryOpen(labelled, label, ring, out _, out var reason));
        Assert.Equal(DropReason.DecryptFailed, reason);
    }

    [Fact]
    public async Task A_captured_packet_with_a_rewritten_sender_or_sequence_fails_authentication()
    {
        await using var c = new SimCluster(seed: 51, o => o.SecretKey = Key);
        c.AddJoined(3);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        byte[]? captured = null;
        c.Network.PacketSent += (from, to, packet) => captured ??= from == "n0001" && to == "n0000" ? (byte[])packet.Clone() : null;
        c.RunUntil(() => captured is not null, TimeSpan.FromSeconds(10));
        var attacker = new RawPeer(c.Network, "attacker");
        var n0 = c.Nodes[0];
        var before = n0.Stats.Dropped(DropReason.DecryptFailed);

        // Header: magic, version, flags, sender length, "n0001", sequence (8 bytes), nonce, ...
        var renamed = (byte[])captured!.Clone();
        Assert.Equal("n0001", Encoding.UTF8.GetString(renamed, 4, 5));
        renamed[8] = (byte)'2'; // now claims to be n0002, a fresh replay window
        attacker.Send("n0000", renamed);
        var renumbered = (byte[])captured.Clone();
        renumbered[9] ^= 1; // a sequence the window has not seen
        attacker.Send("n0000", renumbered);
        c.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(before + 2, n0.Stats.Dropped(DropReason.DecryptFailed));
        Assert.Equal(0, n0.Stats.Dropped(DropReason.Replayed));
    }
}
