using Cache.Gossip.Simulation;
using Cache.Gossip.Wire;

namespace Cache.Gossip.Tests.Hardening;

public sealed class ReplayGuardTests
{
    private readonly SimulationClock _clock = new(new DateTimeOffset(2032, 5, 6, 7, 8, 9, TimeSpan.Zero));

    private ulong Now => ReplayGuard.SequenceAt(_clock.GetUtcNow());

    [Fact]
    public void Reordered_packets_pass_and_repeats_do_not()
    {
        var guard = new ReplayGuard(_clock, TimeSpan.FromMinutes(1));
        var s = Now;
        Assert.True(guard.TryAccept("a", false, s + 5, out _));
        Assert.True(guard.TryAccept("a", false, s + 3, out _)); // late, but inside the window
        Assert.False(guard.TryAccept("a", false, s + 5, out var reason));
        Assert.Equal(DropReason.Replayed, reason);
        Assert.False(guard.TryAccept("a", false, s + 3, out _));
        Assert.True(guard.TryAccept("b", false, s + 5, out _)); // another sender
        Assert.True(guard.TryAccept("a", true, s + 5, out _)); // the stream channel is its own window
    }

    [Fact]
    public void Below_a_full_window_is_refused()
    {
        var guard = new ReplayGuard(_clock, TimeSpan.FromMinutes(1));
        var s = Now;
        for (var i = 1; i <= ReplayGuard.WindowSize; i++)
        {
            Assert.True(guard.TryAccept("a", false, s + (ulong)(i * 2), out _));
        }

        Assert.False(guard.TryAccept("a", false, s + 1, out _)); // never seen, but older than all remembered
        Assert.True(guard.TryAccept("a", false, s + 3, out _)); // never seen and above the oldest remembered
        Assert.False(guard.TryAccept("a", false, s + 2, out _)); // the oldest was pushed out by s + 3
    }

    [Fact]
    public void Stamps_beyond_the_skew_either_way_are_stale()
    {
        var guard = new ReplayGuard(_clock, TimeSpan.FromSeconds(30));
        var skew = 31_000UL << ReplayGuard.TimeShift;
        Assert.False(guard.TryAccept("a", false, Now - skew, out var r1));
        Assert.Equal(DropReason.Stale, r1);
        Assert.False(guard.TryAccept("a", false, Now + skew, out var r2));
        Assert.Equal(DropReason.Stale, r2);
        Assert.True(guard.TryAccept("a", false, Now + (29_000UL << ReplayGuard.TimeShift), out _));
    }

    [Fact]
    public void Memory_is_bounded_by_capacity_and_idle_senders_are_forgotten()
    {
        var guard = new ReplayGuard(_clock, TimeSpan.FromSeconds(30), capacity: 100);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(guard.TryAccept($"s{i}", false, Now + (ulong)i, out _));
        }

        Assert.True(guard.Count <= 100, guard.Count.ToString());
        _clock.Advance(TimeSpan.FromSeconds(31));
        for (var i = 0; i < 70; i++)
        {
            guard.TryAccept($"fresh{i}", false, Now + (ulong)i, out _);
        }

        Assert.True(guard.Count <= 70 + 1, guard.Count.ToString());
    }
}
