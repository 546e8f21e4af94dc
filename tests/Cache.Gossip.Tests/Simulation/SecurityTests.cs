using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Simulation;

public sealed class SecurityTests
{
    private static readonly byte[] Key1 = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] Key2 = Enumerable.Range(101, 16).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task Encrypted_and_plain_clusters_do_not_mix()
    {
        await using var c = new SimCluster(seed: 11);
        var secret = Enumerable.Range(0, 5).Select(i => c.Add($"s{i}", o => o.SecretKey = Key1)).ToList();
        var plain = Enumerable.Range(0, 5).Select(i => c.Add($"p{i}")).ToList();
        foreach (var n in secret.Skip(1))
        {
            n.StartJoin("s0");
        }

        foreach (var n in plain.Skip(1))
        {
            n.StartJoin("p0");
        }
        // Cross joins that must fail both ways.
        plain[2].StartJoin("s1");
        secret[3].StartJoin("p1");
        c.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.All(secret, n => Assert.Equal(["s0", "s1", "s2", "s3", "s4"], n.Members.Select(m => m.Name)));
        Assert.All(plain, n => Assert.Equal(["p0", "p1", "p2", "p3", "p4"], n.Members.Select(m => m.Name)));
        Assert.True(secret[1].Stats.Dropped(DropReason.Unencrypted) > 0);
        Assert.True(plain[1].Stats.Dropped(DropReason.UnexpectedEncryption) > 0);
    }

    [Fact]
    public async Task Clusters_with_different_labels_do_not_mix()
    {
        await using var c = new SimCluster(seed: 12);
        var a = Enumerable.Range(0, 4).Select(i => c.Add($"a{i}", o => o.ClusterLabel = "alpha")).ToList();
        var b = Enumerable.Range(0, 4).Select(i => c.Add($"b{i}", o => o.ClusterLabel = "beta")).ToList();
        var none = c.Add("x0");
        foreach (var n in a.Skip(1))
        {
            n.StartJoin("a0");
        }

        foreach (var n in b.Skip(1))
        {
            n.StartJoin("b0");
        }

        b[1].StartJoin("a2");
        none.StartJoin("a1");
        c.Clock.Advance(TimeSpan.FromSeconds(60));
        Assert.All(a, n => Assert.Equal(4, n.Members.Count));
        Assert.All(b, n => Assert.Equal(4, n.Members.Count));
        Assert.Single(none.Members);
        Assert.True(a[2].Stats.Dropped(DropReason.LabelMismatch) > 0);
        Assert.True(a[1].Stats.Dropped(DropReason.LabelMismatch) > 0);
    }

    [Fact]
    public async Task Keys_rotate_without_downtime()
    {
        await using var c = new SimCluster(seed: 13, o => o.SecretKey = Key1);
        c.AddJoined(6);
        c.RunUntil(c.Converged, TimeSpan.FromSeconds(30));
        foreach (var n in c.Nodes)
        {
            n.Keyring.Install(Key2);
            c.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        foreach (var n in c.Nodes)
        {
            n.Keyring.Use(Key2);
            c.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        foreach (var n in c.Nodes)
        {
            n.Keyring.Remove(Key1);
            c.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        c.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.True(c.Converged());
        Assert.All(c.Nodes, n => Assert.Equal(0, n.Stats.Suspicions));
        Assert.All(c.Nodes, n => Assert.Equal(0, n.Stats.DroppedTotal));
        Assert.Equal(Key2, c.Nodes[0].Keyring.PrimaryKey);
        Assert.Single(c.Nodes[0].Keyring.Keys);

        // A node that only knows the retired key can no longer join.
        var stale = c.Add("stale", o => o.SecretKey = Key1);
        stale.StartJoin(c.Nodes[0].Name);
        c.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Single(stale.Members);
        Assert.True(c.Nodes[0].Stats.Dropped(DropReason.DecryptFailed) > 0);
    }

    [Fact]
    public void Keyring_rules()
    {
        var ring = new Keyring(Key1);
        Assert.True(ring.IsEnabled);
        Assert.Throws<InvalidOperationException>(() => ring.Remove(Key1));
        Assert.Throws<ArgumentException>(() => ring.Install(new byte[15]));
        ring.Install(Key2);
        Assert.Equal(Key1, ring.PrimaryKey);
        ring.Use(Key2);
        Assert.Equal(Key2, ring.PrimaryKey);
        Assert.Equal(2, ring.Keys.Length);
        ring.Remove(Key1);
        Assert.Single(ring.Keys);
    }
}
