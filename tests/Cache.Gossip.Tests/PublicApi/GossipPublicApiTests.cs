using Cache.Tests.PublicApi;

namespace Cache.Gossip.Tests.PublicApi;

/// <summary>Cache.Gossip's public API is what Cache.Gossip.api.txt lists, no more, no less.</summary>
public sealed class GossipPublicApiTests
{
    [Fact]
    public void The_public_api_is_the_checked_in_listing() =>
        PublicApiListing.AssertMatches(typeof(GossipNode).Assembly, "Cache.Gossip.api.txt");

    [Fact]
    public void The_simulation_is_test_support_not_public_api() =>
        Assert.DoesNotContain(typeof(GossipNode).Assembly.GetExportedTypes(), t => t.Namespace == "Cache.Gossip.Simulation");

    [Fact]
    public void A_changed_api_fails_with_the_difference_and_how_to_accept_it()
    {
        var actual = PublicApiListing.Render(typeof(GossipNode).Assembly);
        var expected = actual.Where(l => !l.Contains("JoinAsync", StringComparison.Ordinal)).Append("Cache.Gossip.GossipNode :: public void Gone()").ToList();

        var difference = PublicApiListing.Difference("Cache.Gossip", "api.txt", expected, actual);

        Assert.NotNull(difference);
        Assert.Contains("- Cache.Gossip.GossipNode :: public void Gone()", difference);
        Assert.Contains("+ Cache.Gossip.GossipNode :: public System.Threading.Tasks.ValueTask<int> JoinAsync(", difference);
        Assert.Contains(PublicApiListing.AcceptVariable + "=1", difference);
        Assert.Null(PublicApiListing.Difference("Cache.Gossip", "api.txt", actual, actual));
    }

    [Fact]
    public void The_listing_shows_nullability_defaults_and_modifiers()
    {
        var lines = PublicApiListing.Render(typeof(GossipNode).Assembly);
        Assert.Contains("Cache.Gossip.MembershipSnapshot :: public bool TryGet(string name, out Cache.Gossip.Member? member)", lines);
        Assert.Contains("Cache.Gossip.Ring.RingNode :: public .ctor(string Id, int Weight = 1, string? Zone = default)", lines);
        Assert.Contains("public sealed record Cache.Gossip.Member : System.IEquatable<Cache.Gossip.Member>", lines);
    }
}
