using System.Net;
using Cache.Node.Configuration;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Hosting;

public sealed class NodeSettingsTests
{
    [Fact]
    public void Options_are_parsed_once_into_bytes_time_spans_and_enums()
    {
        var settings = NodeSettings.From(new NodeOptions
        {
            ProtoMaxBulkLen = "2mb",
            ClientQueryBufferLimit = "64mb",
            MaxMemory = "1gb",
            MaxMemoryPolicy = "ALLKEYS-LRU",
            EnableDebugCommand = "local",
            GossipProfile = "wan",
            ReplicationTimeout = 1500,
            TombstoneHorizon = 60_000,
            AntiEntropyInterval = 0,
            Join = "127.0.0.1:17000, 127.0.0.1:17001",
            Port = 7000,
        });

        Assert.Equal(2L << 20, settings.ProtoMaxBulkLen);
        Assert.Equal(64L << 20, settings.ClientQueryBufferLimit);
        Assert.Equal(64L << 20, settings.QueryBufferCeiling);
        Assert.Equal(1L << 30, settings.MaxMemory);
        Assert.Equal(EvictionPolicy.AllKeysLru, settings.MaxMemoryPolicy);
        Assert.Equal(DebugCommandAccess.Local, settings.EnableDebugCommand);
        Assert.Equal("local", settings.EnableDebugCommandName);
        Assert.Equal(GossipProfile.Wan, settings.GossipProfile);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.ReplicationTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), settings.TombstoneHorizon);
        Assert.Equal(TimeSpan.Zero, settings.AntiEntropyInterval);
        Assert.Equal(["127.0.0.1:17000", "127.0.0.1:17001"], settings.Seeds);
        Assert.True(settings.HasSeeds);
        Assert.Equal(17000, settings.GossipPort);
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_validators_line() =>
        Assert.StartsWith("--hz must be between 1 and 500",
            Assert.Throws<ArgumentException>(() => NodeSettings.From(new NodeOptions { Hz = 0 })).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("127.0.0.2", null, "127.0.0.2")]
    [InlineData("*", null, "127.0.0.1")]
    [InlineData("*", "10.1.2.3", "10.1.2.3")]
    public void The_announced_address_is_announce_ip_else_the_bind_address_else_loopback(string bind, string? announce, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), NodeSettings.From(new NodeOptions { Bind = bind, AnnounceIp = announce }).AnnouncedAddress);

    [Theory]
    [InlineData(0, 3, 2)]
    [InlineData(0, 1, 1)]
    [InlineData(3, 2, 2)]
    [InlineData(1, 3, 1)]
    public void The_write_quorum_is_a_majority_unless_set(int writeQuorum, int copies, int expected) =>
        Assert.Equal(expected, NodeSettings.From(new NodeOptions { WriteQuorum = writeQuorum }).QuorumFor(copies));
}
