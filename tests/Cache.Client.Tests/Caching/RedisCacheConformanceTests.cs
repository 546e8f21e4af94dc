namespace Cache.Client.Tests.Caching;

/// <summary>The shared suite on ASP.NET's RedisCache against a real redis-server: the reference.</summary>
public sealed class RedisCacheConformanceTests(RedisCacheFixture fixture) : DistributedCacheConformanceTests<RedisCacheFixture>(fixture);
