using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>COPY, OBJECT and MEMORY against redis-server, on the replies that must be identical.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class ObjectCopyDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Copy_matches_redis() => redis.AssertSameAsync(
        "SET a 1", "COPY a b", "GET b", "COPY a b", "SET a 2", "COPY a b REPLACE", "GET b", "COPY nokey b", "COPY a a",
        "COPY a c DB 0", "GET c", "COPY a d DB x", "COPY a d BOGUS", "COPY a d DB", "COPY a", "COPY a d REPLACE REPLACE",
        "HSET h f v g w", "COPY h h2", "HGETALL h2", "HSET h2 f changed", "HGET h f", "TYPE h2", "DBSIZE");

    [Fact]
    public Task Copy_keeps_the_expiry_like_redis() => redis.AssertSameAsync(
        "SET a v EX 1000", "COPY a b", "TTL b", "SET c v", "COPY c b REPLACE", "TTL b");

    [Fact]
    public Task Object_encoding_matches_redis() => redis.AssertSameAsync(
        "SET i 12345", "OBJECT ENCODING i", "SET neg -7", "OBJECT ENCODING neg", "SET pad 0123", "OBJECT ENCODING pad",
        "SET s hello", "OBJECT ENCODING s", "SET long aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "OBJECT ENCODING long",
        "HSET h f v", "OBJECT ENCODING h", "OBJECT ENCODING nokey", "OBJECT ENCODING", "OBJECT BOGUS x", "OBJECT REFCOUNT s",
        "OBJECT REFCOUNT nokey", "OBJECT FREQ s", "OBJECT FREQ nokey");

    [Fact]
    public Task Object_encoding_follows_the_hash_thresholds_like_redis() => redis.AssertSameAsync(
        "CONFIG SET hash-max-listpack-entries 2", "HSET h a 1 b 2", "OBJECT ENCODING h", "HSET h c 3", "OBJECT ENCODING h",
        "CONFIG GET hash-max-ziplist-entries", "CONFIG SET hash-max-listpack-entries 128",
        "CONFIG SET hash-max-listpack-value 4", "HSET v f 12345", "OBJECT ENCODING v", "CONFIG SET hash-max-listpack-value 64",
        "CONFIG GET list-max-listpack-size", "CONFIG GET set-max-intset-entries", "CONFIG GET zset-max-ziplist-value");

    [Fact]
    public Task Memory_usage_errors_and_misses_match_redis() => redis.AssertSameAsync(
        "MEMORY USAGE nokey", "MEMORY USAGE", "MEMORY USAGE k SAMPLES", "MEMORY USAGE k SAMPLES x", "MEMORY USAGE k SAMPLES -1",
        "MEMORY USAGE nokey SAMPLES 0", "MEMORY BOGUS", "MEMORY PURGE");

    [Fact]
    public Task Client_kill_argument_errors_match_redis() => redis.AssertSameAsync(
        "CLIENT KILL", "CLIENT KILL id 10 wrong_arg", "CLIENT KILL id str", "CLIENT KILL id -1", "CLIENT KILL id 0",
        "CLIENT KILL type wrong_type", "CLIENT KILL user wrong_user", "CLIENT KILL skipme yes_or_no", "CLIENT KILL 1.2.3.4:5",
        "CLIENT KILL id 99999 skipme yes", "CLIENT KILL type master", "CLIENT KILL bogus value");

    [Fact]
    public Task Restore_errors_and_option_checks_match_redis() => redis.AssertSameAsync(
        "SET a 1", "RESTORE a 0 junk", "RESTORE b -1 junk", "RESTORE b x junk", "RESTORE b 0 junk", "RESTORE b 0 junk BOGUS",
        "RESTORE b 0 junk IDLETIME -1", "RESTORE b 0 junk FREQ 256", "RESTORE b 0 junk IDLETIME 1 FREQ 1", "RESTORE b 0 junk IDLETIME x",
        "DUMP nokey", "EXISTS b");

    /// <summary>Payloads cross between redis-server and the node both ways: Redis loads our plain encodings, we load its.</summary>
    [Theory]
    [InlineData("string")]
    [InlineData("int")]
    [InlineData("long-string")]
    [InlineData("hash")]
    [InlineData("list")]
    [InlineData("big-list")]
    [InlineData("intset")]
    [InlineData("set")]
    [InlineData("zset")]
    [InlineData("big-zset")]
    public async Task A_dump_from_either_side_restores_on_the_other(string shape)
    {
        await using var node = await Connect(redis.Node.Port);
        await using var server = await Connect(redis.Redis.Port);
        foreach (var (from, to) in new[] { (node, server), (server, node) })
        {
            var source = from.GetDatabase();
            var target = to.GetDatabase();
            await source.KeyDeleteAsync("k");
            await target.KeyDeleteAsync("k2");
            string expected;
            switch (shape)
            {
                case "list" or "big-list":
                    var elements = Enumerable.Range(0, shape == "list" ? 5 : 3000).Select(i => (StackExchange.Redis.RedisValue)(i % 3 == 0 ? i.ToString(System.Globalization.CultureInfo.InvariantCulture) : "e" + i)).ToArray();
                    await source.ListRightPushAsync("k", elements);
                    expected = string.Join(',', elements);
                    break;
                case "intset" or "set":
                    var members = Enumerable.Range(0, 20).Select(i => (StackExchange.Redis.RedisValue)(shape == "intset" ? (i * 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) : "m" + i)).ToArray();
                    await source.SetAddAsync("k", members);
                    expected = string.Join(',', members.Select(m => (string)m!).Order(StringComparer.Ordinal));
                    break;
                case "zset" or "big-zset":
                    var scored = Enumerable.Range(0, shape == "zset" ? 10 : 300).Select(i => new StackExchange.Redis.SortedSetEntry("z" + i, i % 7 == 0 ? double.PositiveInfinity : i / 3.0)).ToArray();
                    await source.SortedSetAddAsync("k", scored);
                    expected = string.Join(',', (await source.SortedSetRangeByRankWithScoresAsync("k")).Select(e => $"{e.Element}={e.Score}"));
                    break;
                case "hash":
                    await source.HashSetAsync("k", [new("f", "v"), new("g", new string('y', 200))]);
                    expected = "f=v,g=" + new string('y', 200);
                    break;
                default:
                    expected = shape switch { "int" => "12345", "long-string" => new string('z', 5000), _ => "hello world" };
                    await source.StringSetAsync("k", expected);
                    break;
            }

            var payload = await source.KeyDumpAsync("k");
            Assert.NotNull(payload);
            await target.KeyRestoreAsync("k2", payload);
            var restored = shape switch
            {
                "hash" => string.Join(',', (await target.HashGetAllAsync("k2")).OrderBy(e => (string)e.Name!).Select(e => $"{e.Name}={e.Value}")),
                "list" or "big-list" => string.Join(',', await target.ListRangeAsync("k2")),
                "intset" or "set" => string.Join(',', (await target.SetMembersAsync("k2")).Select(m => (string)m!).Order(StringComparer.Ordinal)),
                "zset" or "big-zset" => string.Join(',', (await target.SortedSetRangeByRankWithScoresAsync("k2")).Select(e => $"{e.Element}={e.Score}")),
                _ => (string?)await target.StringGetAsync("k2"),
            };
            Assert.Equal(expected, restored);
        }
    }

    private static Task<StackExchange.Redis.ConnectionMultiplexer> Connect(int port) =>
        StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(new StackExchange.Redis.ConfigurationOptions { EndPoints = { { "127.0.0.1", port } }, AllowAdmin = true });
}
