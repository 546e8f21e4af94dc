using Cache.Node.Storage;

namespace Cache.Node.Tests.Storage;

public sealed class LruClockTests
{
    [Theory]
    [InlineData(0u, 2147483653u)]            // idle for more than 2^31 ticks: still the oldest
    [InlineData(4294967290u, 3u)]            // the clock wrapped since: still ordered by true age
    [InlineData(100u, 200u)]
    public void An_older_access_always_scores_for_eviction_first(uint cold, uint clock)
    {
        var hot = clock - 1;
        Assert.True(KeySpace.LruScore(cold, clock) < KeySpace.LruScore(hot, clock));
    }
}
