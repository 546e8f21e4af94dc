using Cache.Gossip.Simulation;
using Cache.Gossip.Tests.Simulation;
using Cache.Gossip.Wire;
using Microsoft.Extensions.Logging;

namespace Cache.Gossip.Tests.Hardening;

/// <summary>The replay window's time bound: a member whose clock is hours off is not heard, and that is counted and logged.</summary>
public sealed class ClockSkewTests
{
    private static readonly byte[] Key = Enumerable.Range(3, 32).Select(i => (byte)i).ToArray();

    // The simulation's clock, with the wall-clock reading shifted: timers and timestamps run as the cluster's.
    private sealed class SkewedClock(SimulationClock inner, TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + offset;

        public override long GetTimestamp() => inner.GetTimestamp();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }

    private sealed class Capture : ILogger
    {
        public List<(EventId Id, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId, formatter(state, exception)));
    }

    private static async Task<GossipNode> Start(SimCluster c, string name, TimeProvider clock, TimeSpan skew, ILogger? logger = null)
    {
        var o = GossipOptions.Lan();
        o.NodeName = name;
        o.SecretKey = Key;
        o.MaxClockSkew = skew;
        o.RandomSeed = name.Length;
        var node = new GossipNode(o, c.Network.CreateTransport(name), clock, logger);
        await node.StartAsync();
        return node;
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(180, true)]
    public async Task A_member_two_hours_ahead_joins_only_when_the_skew_allows_it(int skewMinutes, bool joins)
    {
        await using var c = new SimCluster(seed: 81);
        var log = new Capture();
        var skew = TimeSpan.FromMinutes(skewMinutes);
        await using var here = await Start(c, "here", c.Clock, skew, log);
        await using var ahead = await Start(c, "ahead", new SkewedClock(c.Clock, TimeSpan.FromHours(2)), skew);

        ahead.StartJoin("here");
        c.Clock.Advance(TimeSpan.FromSeconds(30));

        if (joins)
        {
            Assert.Equal(2, here.Members.CountIn(MemberState.Alive));
            Assert.Equal(2, ahead.Members.CountIn(MemberState.Alive));
            Assert.Equal(0, here.Stats.Dropped(DropReason.Stale));
            return;
        }

        Assert.Single(here.Members);
        Assert.Single(ahead.Members);
        Assert.True(here.Stats.Dropped(DropReason.Stale) > 0);
        var warning = Assert.Single(log.Entries, e => e.Id.Id == 4014); // once a minute at most, not once a packet
        Assert.Contains("MaxClockSkew", warning.Message);
    }
}
