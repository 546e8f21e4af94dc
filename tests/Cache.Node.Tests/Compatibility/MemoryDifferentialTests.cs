using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>maxmemory settings, the OOM refusal and DEBUG POPULATE, against redis-server.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class MemoryDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Maxmemory_settings_match_redis() => redis.AssertSameAsync(
        "CONFIG SET maxmemory 100MB", "CONFIG GET maxmemory", "CONFIG SET maxmemory 1gb", "CONFIG GET maxmemory",
        "CONFIG SET maxmemory abc", "CONFIG SET maxmemory -1", "CONFIG SET maxmemory 1.5mb",
        "CONFIG SET maxmemory-policy ALLKEYS-LRU", "CONFIG GET maxmemory-policy", "CONFIG SET maxmemory-policy volatile-ttl",
        "CONFIG GET maxmemory-policy", "CONFIG SET maxmemory-policy allkeys-random", "CONFIG GET maxmemory-policy",
        "CONFIG SET maxmemory-samples 0", "CONFIG SET maxmemory-samples abc", "CONFIG SET maxmemory-samples 10", "CONFIG GET maxmemory-samples",
        "CONFIG SET maxmemory-samples 5", "CONFIG SET maxmemory-policy noeviction", "CONFIG SET maxmemory 0", "CONFIG GET maxmemory");

    [Fact]
    public Task Writes_past_maxmemory_with_noeviction_get_the_oom_error() => redis.AssertSameAsync(
        "SET a 1", "HSET h f v", "CONFIG SET maxmemory 1", "SET b 2", "APPEND a x", "HSET h g v", "INCR a", "MSET x 1 y 2",
        "GET a", "HGET h f", "EXISTS a b", "EXPIRE a 100", "DEL h", "MULTI", "SET c 3", "GET a", "PING", "EXEC",
        "MULTI", "DISCARD", "CONFIG SET maxmemory 0", "SET b 2", "GET b");

    [Fact]
    public Task Debug_populate_matches_redis() => redis.AssertSameAsync(
        "SET key:1 mine", "DEBUG POPULATE 3", "MGET key:0 key:1 key:2 key:3", "DEBUG POPULATE 2 p 10", "GET p:1", "STRLEN p:0",
        "DEBUG POPULATE 3 k 3", "GET k:2", "DEBUG POPULATE 2 z 0", "GET z:1", "DBSIZE",
        "DEBUG POPULATE -1", "DEBUG POPULATE abc", "DEBUG POPULATE 3 k -2", "DEBUG POPULATE 3 k x", "DEBUG POPULATE", "DEBUG POPULATE 1 2 3 4");
}
