using Cache.Client.Caching;
using Cache.Tests.PublicApi;

namespace Cache.Client.Tests.PublicApi;

/// <summary>Cache.Client's public API is the provider, as Cache.Client.api.txt lists it, no more, no less.</summary>
public sealed class ClientPublicApiTests
{
    [Fact]
    public void The_public_api_is_the_checked_in_listing() =>
        PublicApiListing.AssertMatches(typeof(GossipCache).Assembly, "Cache.Client.api.txt");

    [Fact]
    public void Nothing_of_the_resp_connection_is_public() =>
        Assert.DoesNotContain(typeof(GossipCache).Assembly.GetExportedTypes(), t => t.Namespace is "Cache.Client.Resp" or "Cache.Client.Routing");
}
