namespace Cache.Client.Tests.Caching;

/// <summary>The same suite on our GossipCache against one of our nodes.</summary>
public sealed class GossipCacheConformanceTests(GossipCacheFixture fixture) : DistributedCacheConformanceTests<GossipCacheFixture>(fixture);
