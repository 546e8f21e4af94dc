using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>MULTI/EXEC/DISCARD/WATCH on one connection, against redis-server.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class TransactionDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Multi_exec_runs_the_queue_in_order() => redis.AssertSameAsync(
        "MULTI", "SET a 1", "HSET h f v", "GET a", "HGET h f", "HINCRBY h n 5", "EXEC", "GET a", "HGET h n", "MULTI", "EXEC");

    [Fact]
    public Task Transaction_state_errors_match_redis() => redis.AssertSameAsync(
        "EXEC", "DISCARD", "MULTI", "MULTI", "SET a 1", "WATCH a", "EXEC", "GET a", "EXEC", "DISCARD",
        "MULTI x", "DISCARD x", "WATCH", "UNWATCH x");

    [Fact]
    public Task Queuing_errors_abort_exec() => redis.AssertSameAsync(
        "MULTI", "SET a 1", "NOSUCH x", "GET", "SET b 2", "EXEC", "GET a", "GET b", "EXEC",
        "MULTI", "HSET h f", "EXEC", "MULTI", "DISCARD x", "MULTI x", "EXEC", "MULTI", "HSET h f v", "HGET h", "DISCARD", "HGET h f");

    [Fact]
    public Task Runtime_errors_are_replies_inside_exec() => redis.AssertSameAsync(
        "SET s v", "MULTI", "HSET s f v", "SET t 1", "HINCRBY t f 1", "HSET h f x", "HINCRBY h f 1", "HSET h f v g", "GET t", "EXEC",
        "GET t", "HGET h f");

    [Fact]
    public Task A_rejected_exec_aborts_the_transaction() => redis.AssertSameAsync(
        "EXEC x", "MULTI", "SET a 1", "EXEC x", "EXEC", "GET a", "WATCH a", "EXEC y", "MULTI", "SET a 2", "EXEC", "GET a");

    [Fact]
    public Task Discard_drops_the_queue() => redis.AssertSameAsync(
        "MULTI", "SET a 1", "HSET h f v", "DISCARD", "GET a", "HLEN h", "DISCARD", "EXEC");

    [Fact]
    public Task Watch_sees_own_writes_and_clears_after_exec() => redis.AssertSameAsync(
        "WATCH a", "SET a 1", "MULTI", "GET a", "EXEC", "MULTI", "SET a 2", "EXEC",
        "WATCH a", "MULTI", "SET a 3", "EXEC", "GET a",
        "WATCH a", "UNWATCH", "SET a 4", "MULTI", "GET a", "EXEC",
        "WATCH a", "MULTI", "UNWATCH", "SET a 5", "EXEC",
        "WATCH a b c", "WATCH a", "SET c 1", "MULTI", "GET a", "EXEC",
        "WATCH a", "MULTI", "DISCARD", "SET a 6", "MULTI", "GET a", "EXEC");

    [Fact]
    public Task Watch_sees_hash_writes_but_not_no_ops() => redis.AssertSameAsync(
        "HSET h f v", "WATCH h", "HSETNX h f other", "HDEL h nope", "HGET h f", "MULTI", "HLEN h", "EXEC",
        "WATCH h", "HSET h f v", "MULTI", "HLEN h", "EXEC",
        "WATCH h", "HSETNX h g w", "MULTI", "HLEN h", "EXEC",
        "WATCH h", "HINCRBY h n 1", "MULTI", "HLEN h", "EXEC",
        "WATCH h", "HINCRBYFLOAT h x 1.5", "MULTI", "HLEN h", "EXEC",
        "WATCH h", "HDEL h g", "MULTI", "HLEN h", "EXEC",
        "WATCH h", "HMSET h a 1", "MULTI", "HLEN h", "EXEC",
        "WATCH h", "HDEL h f n x a", "MULTI", "HLEN h", "EXEC", "DBSIZE");

    [Fact]
    public Task Flushall_touches_only_watched_keys_that_exist() => redis.AssertSameAsync(
        "WATCH missing", "FLUSHALL", "MULTI", "SET x 1", "EXEC",
        "SET a 1", "WATCH a", "FLUSHALL", "MULTI", "SET x 2", "EXEC", "GET x");
}
