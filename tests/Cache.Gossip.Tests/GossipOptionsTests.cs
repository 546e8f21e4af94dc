namespace Cache.Gossip.Tests;

public sealed class GossipOptionsTests
{
    [Fact]
    public void Lan_preset_has_memberlists_defaults()
    {
        var o = GossipOptions.Lan();
        Assert.Equal(TimeSpan.FromSeconds(1), o.ProbeInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), o.ProbeTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(200), o.GossipInterval);
        Assert.Equal(3, o.GossipNodes);
        Assert.Equal(4, o.SuspicionMult);
        Assert.Equal(6, o.SuspicionMaxTimeoutMult);
        Assert.Equal(4, o.RetransmitMult);
        Assert.Equal(TimeSpan.FromSeconds(30), o.PushPullInterval);
        Assert.Equal(3, o.IndirectChecks);
        Assert.Equal(8, o.AwarenessMaxMultiplier);
        Assert.Equal(TimeSpan.FromSeconds(30), o.GossipToTheDeadTime);
        Assert.Equal(1400, o.MaxPacketSize);
    }

    [Fact]
    public void Wan_and_local_presets()
    {
        var wan = GossipOptions.Wan();
        Assert.Equal(TimeSpan.FromSeconds(5), wan.ProbeInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), wan.ProbeTimeout);
        Assert.Equal(6, wan.SuspicionMult);
        Assert.Equal(4, wan.GossipNodes);
        Assert.Equal(TimeSpan.FromSeconds(60), wan.PushPullInterval);
        var local = GossipOptions.Local();
        Assert.Equal(TimeSpan.FromMilliseconds(200), local.ProbeTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), local.GossipInterval);
        Assert.Equal(3, local.SuspicionMult);
        Assert.Equal(2, local.RetransmitMult);
        Assert.Equal(1, local.IndirectChecks);
    }

    [Fact]
    public void Validation_rejects_unusable_values()
    {
        Assert.Throws<ArgumentException>(() => new GossipOptions().Validate());
        Assert.Throws<ArgumentException>(() => new GossipOptions { NodeName = new string('x', 256) }.Validate());
        Assert.Throws<ArgumentException>(() => new GossipOptions { NodeName = "a", SecretKey = new byte[10] }.Validate());
        Assert.Throws<ArgumentException>(() => new GossipOptions { NodeName = "a", Metadata = new byte[513] }.Validate());
        Assert.Throws<ArgumentException>(() => new GossipOptions { NodeName = "a", ProbeTimeout = TimeSpan.FromSeconds(2) }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new GossipOptions { NodeName = "a", Port = 70000 }.Validate());
        new GossipOptions { NodeName = "a", SecretKey = new byte[32], Metadata = new byte[512] }.Validate();
    }

    [Theory]
    [InlineData(10, 30)]
    [InlineData(32, 30)]
    [InlineData(33, 60)]
    [InlineData(64, 60)]
    [InlineData(65, 90)]
    [InlineData(1000, 180)]
    public void Push_pull_interval_scales_like_memberlist(int nodes, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), GossipNode.PushPullScale(TimeSpan.FromSeconds(30), nodes));
}
