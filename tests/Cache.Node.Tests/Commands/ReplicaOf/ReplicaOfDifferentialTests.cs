using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.ReplicaOf;

/// <summary>
/// REPLICAOF's replies and the replica rules (READONLY, MASTERDOWN, NOREPLICAS, EXECABORT)
/// against redis-server's, byte for byte. The master is a port nothing listens on, so both stay
/// with the link down; every script ends a master again with Redis' defaults. CONFIG GET asks by
/// exact name: redis-server lists a pattern's matches in an order its random hash seed decides.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class ReplicaOfDifferentialTests(DifferentialFixture redis)
{
    private const string Nowhere = "REPLICAOF 127.0.0.1 1";

    [Fact]
    public Task Replicaof_replies_and_argument_errors_match_redis() => redis.AssertSameAsync(
        "REPLICAOF 127.0.0.1 abc", "REPLICAOF 127.0.0.1 -1", "REPLICAOF 127.0.0.1 65536", "REPLICAOF a", "SLAVEOF a b c",
        "REPLICAOF no one", Nowhere, Nowhere, "SLAVEOF 127.0.0.1 1", "REPLICAOF 127.0.0.2 1", "REPLICAOF NO ONE", "SLAVEOF no one", "ROLE x",
        "CONFIG GET replicaof");

    [Fact]
    public Task A_read_only_replica_refuses_writes_and_serves_reads() => redis.AssertSameAsync(
        "SET a 1", Nowhere, "SET a 2", "GET a", "INCR a", "DEL a", "MULTI", "SET a 3", "GET a", "EXEC", "GET a",
        "CONFIG SET replica-read-only no", "SET a 4", "GET a", "CONFIG GET replica-read-only", "CONFIG GET slave-read-only",
        "CONFIG SET slave-read-only yes", "SET a 5", "CONFIG SET replica-read-only maybe", "REPLICAOF NO ONE", "SET a 6", "GET a");

    [Fact]
    public Task A_stale_replica_answers_masterdown_when_told_not_to_serve() => redis.AssertSameAsync(
        "SET a 1", Nowhere, "CONFIG SET replica-serve-stale-data no", "GET a", "PING", "ECHO x", "INFO x", "CONFIG GET replica-serve-stale-data", "CONFIG GET slave-serve-stale-data",
        "MULTI", "GET a", "EXEC", "MULTI", "EXEC", "CONFIG SET slave-serve-stale-data yes", "GET a", "REPLICAOF NO ONE",
        "CONFIG SET replica-serve-stale-data no", "GET a", "CONFIG SET replica-serve-stale-data yes");

    [Fact]
    public Task Min_replicas_to_write_refuses_writes_without_good_replicas() => redis.AssertSameAsync(
        "CONFIG SET min-replicas-to-write 1", "SET a 1", "GET a", "MULTI", "SET a 1", "EXEC", "MULTI", "GET a", "EXEC",
        "CONFIG GET min-replicas-to-write", "CONFIG GET min-replicas-max-lag", "CONFIG SET min-replicas-max-lag 0", "SET a 2", "CONFIG SET min-replicas-max-lag 10", "SET a 3",
        "CONFIG SET min-slaves-to-write 0", "SET a 4", "CONFIG GET min-slaves-to-write", "CONFIG GET min-slaves-max-lag", "CONFIG SET min-replicas-to-write -1");

    [Fact]
    public async Task Scripts_that_may_write_are_refused_without_good_replicas()
    {
        Assert.Equal(await ScriptsWithoutReplicasAsync(redis.Redis.Port), await ScriptsWithoutReplicasAsync(redis.Node.Port));
    }

    // unit/scripting's "not enough good replicas": a shebang script without no-writes is refused before it
    // runs; a plain script fails at its first write; reads go on.
    private static async Task<List<string>> ScriptsWithoutReplicasAsync(int port)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        await client.CallAsync("SET", "x", "some value");
        await client.CallAsync("CONFIG", "SET", "min-replicas-to-write", "1");
        try
        {
            var replies = new List<string>
            {
                await client.CallAsync("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','x')", "1", "x"),
                await client.CallAsync("EVAL", "return redis.call('get','x')", "1", "x"),
                await client.CallAsync("EVAL", "#!lua\nreturn redis.call('get','x')", "1", "x"),
            };
            var write = await client.CallAsync("EVAL", "return redis.call('set','x',1)", "1", "x");
            replies.Add(write[..write.IndexOf(" script:", StringComparison.Ordinal)]);
            replies.Add(await client.CallAsync("GET", "x"));
            return replies;
        }
        finally
        {
            await client.CallAsync("CONFIG", "SET", "min-replicas-to-write", "0");
        }
    }

    [Theory]
    [InlineData("write")]
    [InlineData("stale")]
    [InlineData("readonly")]
    public async Task Exec_aborts_when_the_state_changed_after_queuing(string change)
    {
        var ours = await StateChangeAsync(redis.Node.Port, change);
        var theirs = await StateChangeAsync(redis.Redis.Port, change);
        Assert.Equal(theirs, ours);
        Assert.StartsWith("-EXECABORT Transaction discarded because of: ", ours[0], StringComparison.Ordinal);
    }

    // One client queues, another changes the server's state, then the first EXECs (Redis' multi.tcl "state change" tests).
    private static async Task<List<string>> StateChangeAsync(int port, string change)
    {
        await using var queuing = await RespTestClient.ConnectAsync(port);
        await using var other = await RespTestClient.ConnectAsync(port);
        await queuing.CallAsync("FLUSHALL");
        await queuing.CallAsync("SET", "xx", "1");
        await queuing.CallAsync("MULTI");
        await queuing.CallAsync(change == "stale" ? ["GET", "xx"] : ["INCR", "xx"]);
        var (setUp, reset) = Change(change);
        foreach (var command in setUp)
        {
            await other.CallAsync(command);
        }

        var replies = new List<string> { await queuing.CallAsync("EXEC"), await queuing.CallAsync("PING", "again") };
        foreach (var command in reset)
        {
            await other.CallAsync(command);
        }

        replies.Add(await queuing.CallAsync("GET", "xx"));
        return replies;
    }

    private static (string[][] SetUp, string[][] Reset) Change(string change)
    {
        string[] multi = ["CONFIG", "SET", "min-replicas-to-write", "2"];
        string[] noMulti = ["CONFIG", "SET", "min-replicas-to-write", "0"];
        string[] follow = ["REPLICAOF", "127.0.0.1", "1"];
        string[] lead = ["REPLICAOF", "NO", "ONE"];
        return change switch
        {
            "write" => ([multi], [noMulti]),
            "stale" => ([["CONFIG", "SET", "replica-serve-stale-data", "no"], follow], [lead, ["CONFIG", "SET", "replica-serve-stale-data", "yes"]]),
            _ => ([follow], [lead]),
        };
    }
}
