using Cache.Gossip.Ring;
using Cache.Node.Cluster;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Security;

/// <summary>A version from a clock far ahead is refused: not merged, not adopted by this node's clock, counted.</summary>
public sealed class ClockBoundTests
{
    private static readonly TimeSpan Hours = TimeSpan.FromHours(3);

    [Fact]
    public void The_bound_admits_a_clock_up_to_the_offset_and_reports_refusals_at_most_every_ten_seconds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 5, 17, 8, 0, 0, TimeSpan.Zero));
        var bound = new ClockBound(time) { MaxOffsetMs = 500 };
        var reports = new List<(long Ahead, long Refused)>();
        bound.Report = (ahead, refused) => reports.Add((ahead, refused));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.True(bound.Admits(now << HybridLogicalClock.CounterBits));
        Assert.True(bound.Admits(((now + 500) << HybridLogicalClock.CounterBits) | 0xFFFF));
        Assert.False(bound.Admits((now + 501) << HybridLogicalClock.CounterBits));
        Assert.False(bound.Admits(9_000_000_000_000_000_000));
        Assert.Equal(2, bound.Refused);
        Assert.Equal([(501L, 1L)], reports);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(bound.Admits(9_000_000_000_000_000_000));
        Assert.Equal(2, reports.Count);
        Assert.Equal(2, reports[1].Refused);

        bound.MaxOffsetMs = 0;
        Assert.True(bound.Admits(9_000_000_000_000_000_000));
    }

    [Fact]
    public async Task Entries_from_a_peer_hours_ahead_are_refused_and_the_clock_stays_put()
    {
        await using var ahead = await TestNode.StartAsync(time: new ShiftedTimeProvider(Hours));
        await using var here = await TestNode.StartAsync();
        await using (var writer = await ahead.ConnectAsync())
        {
            Assert.Equal("+OK\r\n", await writer.CallAsync("SET", "skewed", "from the future"));
        }

        ReplicatedEntry entry;
        using (ahead.Server.Keys.Enter())
        {
            entry = ahead.Server.Keys.Export("skewed"u8)!.Value;
        }

        var args = new List<ReadOnlyMemory<byte>> { "GOSSIPCACHE"u8.ToArray(), "APPLY"u8.ToArray() };
        ReplicationCodec.Append(args, "skewed"u8.ToArray(), entry);
        await using var peer = await here.ConnectPeerLinkAsync();
        var reply = await peer.ExecuteAsync([.. args]);
        Assert.True(reply.IsError);
        var match = System.Text.RegularExpressions.Regex.Match(reply.Text!, "^CLOCKSKEW an entry's version is ([0-9]+) ms ahead of this node's clock, beyond max-clock-offset \\(500 ms\\); not applied$");
        Assert.True(match.Success, reply.Text);
        Assert.InRange(long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), (long)Hours.TotalMilliseconds - 60_000, (long)Hours.TotalMilliseconds);
        Assert.StartsWith("CLOCKSKEW", (await peer.ExecuteAsync(["GOSSIPCACHE", "APPLY", "victim", "9000000000000000000", "1", "1", "0", "forged"])).Text, StringComparison.Ordinal);
        Assert.StartsWith("CLOCKSKEW", (await peer.ExecuteAsync(["GOSSIPCACHE", "REPLICATE", "99999999999999", "victim", "9000000000000000000", "1", "1", "0", "forged"])).Text, StringComparison.Ordinal);
        Assert.StartsWith("CLOCKSKEW", (await peer.ExecuteAsync(["GOSSIPCACHE", "PUTPIECE", "apply", "victim", "9000000000000000000", "1", "1", "0", "6", "0", "forged"])).Text, StringComparison.Ordinal);

        // Pulled rather than pushed (hand-off, repair): not applied either.
        await using (var links = new PeerLinks(TestPeer.Credentials(), TimeSpan.FromSeconds(10), TimeProvider.System))
        {
            var every = SlotBitmap.From(Enumerable.Repeat(true, Cache.Gossip.Ring.HashSlot.Count).ToArray());
            var pulled = await ReplicaSync.PullAsync(here.Server.Keys, new RespReplicaPeer(links.ForReplication(ahead.Endpoint)), every, CancellationToken.None);
            Assert.Equal(0, pulled.Applied);
        }

        Assert.Null(Cache.Node.Tests.Cluster.TestCluster.ValueOn(here, "skewed"));
        Assert.Null(Cache.Node.Tests.Cluster.TestCluster.ValueOn(here, "victim"));
        await using var client = await here.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "local", "now"));
        using (here.Server.Keys.Enter())
        {
            var wall = HybridLogicalClock.WallMilliseconds(here.Server.Keys.Export("local"u8)!.Value.Version.Clock);
            Assert.InRange(wall, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - 60_000, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() + 1000);
        }

        var info = await client.CallAsync("INFO", "cluster");
        Assert.Contains("cluster_max_clock_offset_ms:500\r\n", info, StringComparison.Ordinal);
        Assert.DoesNotContain("cluster_clock_offset_refused:0\r\n", info, StringComparison.Ordinal);

        // The bound is a setting: lifted, the same entry merges.
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "max-clock-offset", "0"));
        Assert.Equal(1, (await peer.ExecuteAsync([.. args])).Integer);
    }

    /// <summary>The real clock moved by an offset: a node whose clock is wrong by that much; timers run as usual.</summary>
    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
    }
}
