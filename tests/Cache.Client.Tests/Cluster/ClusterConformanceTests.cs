using Cache.Client.Tests.Caching;

namespace Cache.Client.Tests.Cluster;

/// <summary>The same suite on our GossipCache against a three-node cluster (every key on three owners).</summary>
public sealed class ClusterConformanceTests(ClusterGossipCacheFixture fixture) : DistributedCacheConformanceTests<ClusterGossipCacheFixture>(fixture);
