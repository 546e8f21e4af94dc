using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>SORT and SORT_RO on lists against redis-server: numeric and ALPHA order, LIMIT, BY, GET, STORE and the errors.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class SortDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Sorting_a_list_matches_redis() => redis.AssertSameAsync(
        "RPUSH l 3 1 2 10 -5 2.5", "SORT l", "SORT l DESC", "SORT l LIMIT 1 2", "SORT l LIMIT 1 -1", "SORT l LIMIT -5 2",
        "SORT l LIMIT 10 2", "SORT l LIMIT 0 0", "SORT l ALPHA", "SORT l ALPHA DESC LIMIT 0 3", "RPUSH eq 1 01 1.0", "SORT eq",
        "SORT eq DESC", "SORT nokey", "SORT_RO l", "SORT_RO l ALPHA DESC");

    [Fact]
    public Task By_get_and_store_match_redis() => redis.AssertSameAsync(
        "RPUSH w b a c", "SORT w", "SET w_a 3", "SET w_b 1", "HSET h_c f 2", "SORT w BY w_*", "SORT w BY w_* ALPHA",
        "SORT w BY h_*->f", "SORT w BY nosort", "SORT w BY nosort DESC", "SORT w BY nosort LIMIT 1 1",
        "SORT w GET # GET w_* GET h_*->f", "SORT w BY nosort GET w_*", "SORT w GET nokey", "SORT w ALPHA STORE dst",
        "LRANGE dst 0 -1", "SORT w BY w_* GET # STORE dst2", "LRANGE dst2 0 -1", "SORT w ALPHA GET w_* STORE dst3", "LRANGE dst3 0 -1",
        "SET str x", "SORT w ALPHA STORE str", "TYPE str", "SORT nokey STORE dst", "EXISTS dst", "SORT w ALPHA BY w_* DESC");

    [Fact]
    public Task Sorting_sets_and_sorted_sets_matches_redis() => redis.AssertSameAsync(
        ["SADD", "s", "10", "2", "33", "1"], ["SORT", "s"], ["SORT", "s", "DESC", "LIMIT", "1", "2"], ["SADD", "w", "b", "a", "c"], ["SORT", "w", "ALPHA"],
        ["SORT", "w", "BY", "nosort", "STORE", "out"], ["LRANGE", "out", "0", "-1"], ["EVAL", "return redis.call('sort', KEYS[1], 'BY', 'nosort')", "1", "w"],
        ["ZADD", "z", "3", "x", "1", "y", "2", "zz"], ["SORT", "z", "ALPHA"], ["SORT", "z", "BY", "nosort"], ["SORT", "z", "BY", "nosort", "DESC"]);

    [Fact]
    public Task Sort_errors_match_redis() => redis.AssertSameAsync(
        "RPUSH w b a c", "SET s str", "SORT s", "SORT w", "SORT w BOGUS", "SORT w LIMIT 1", "SORT w LIMIT a 1", "SORT w STORE",
        "SORT_RO w ALPHA STORE x", "SORT w GET", "SORT w BY", "HSET h f v", "SORT h", "SORT", "SORT_RO");
}
