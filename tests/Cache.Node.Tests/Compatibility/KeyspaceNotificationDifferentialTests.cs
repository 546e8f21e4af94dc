using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// Keyspace notifications against redis-server: one client runs a family's writes with
/// notify-keyspace-events AKEn, another subscribed to every channel records what it hears, and
/// the two servers' event names, keys and order must match, for each command family.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class KeyspaceNotificationDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task String_events_match_redis() => AssertSameEventsAsync(
        "SET s v", "SET s v EX 100", "SET s w KEEPTTL", "SET s x XX GET", "SET s y NX", "SETNX s x", "SETNX s2 x", "SETEX s3 100 v",
        "PSETEX s4 100000 v", "GETSET s y", "GETSET s5 y", "MSET a 1 b 2", "MSETNX a 1 c 3", "MSETNX c 3 d 4", "APPEND s zz",
        "APPEND new1 x", "SETRANGE s 1 QQ", "SETRANGE r 3 x", "INCR n", "DECR n", "INCRBY n 5", "DECRBY n 2", "INCRBYFLOAT f 1.5",
        "INCR s", "GETEX s EX 100", "GETEX s PERSIST", "GETEX s", "GETEX nokey EX 10", "GETDEL s", "GETDEL nokey", "GET a");

    [Fact]
    public Task Generic_events_match_redis() => AssertSameEventsAsync(
        "MSET a 1 b 2 c 3 d 4 e 5", "DEL a nokey", "UNLINK b", "EXPIRE d 100", "PEXPIRE d 100000", "EXPIREAT d 9999999999",
        "EXPIRE d 100 NX", "PERSIST d", "PERSIST d", "EXPIRE d -1", "EXPIRE nokey 10", "RENAME c c2", "RENAME c2 c2", "SET t 1",
        "RENAME c2 t", "RENAMENX t e", "RENAMENX t u", "COPY u v", "COPY u v", "COPY u v REPLACE", "PEXPIREAT v 1", "RPUSH list 3 1 2",
        "SORT list STORE sorted", "SORT nokey STORE sorted", "TOUCH u", "FLUSHALL", "SET after flush");

    [Fact]
    public Task Hash_events_match_redis() => AssertSameEventsAsync(
        "HSET h a 1 b 2", "HSET h a 1", "HSETNX h a 2", "HSETNX h c 3", "HMSET h d 4", "HINCRBY h n 1", "HINCRBYFLOAT h f 1.5",
        "HDEL h a nope", "HDEL h nope", "HDEL h b c d n f", "HDEL nokey a", "HINCRBY h2 x 1", "HSET s", "HGET h2 x");

    [Fact]
    public Task List_events_match_redis() => AssertSameEventsAsync(
        "LPUSH l a b", "RPUSH l c", "LPUSHX l d", "RPUSHX nokey e", "LINSERT l BEFORE a x", "LINSERT l BEFORE nope x", "LSET l 0 y",
        "LREM l 1 y", "LREM l 1 nope", "LTRIM l 0 3", "LPOP l", "RPOP l 2", "RPUSH l p q r s", "RPOPLPUSH l m", "LMOVE l m LEFT RIGHT",
        "LMOVE m m LEFT LEFT", "LMPOP 2 nokey l RIGHT COUNT 10", "BLPOP m 0.01", "BRPOP m 0.01", "RPUSH z 1", "BLMOVE z z2 LEFT LEFT 0.01",
        "RPUSH t 1 2 3", "LTRIM t 5 10", "LPOP nokey", "RPUSH u a", "LPOP u 0", "LPOP u 5");

    [Fact]
    public Task Set_events_match_redis() => AssertSameEventsAsync(
        "SADD s a b c", "SADD s a", "SREM s z", "SREM s a", "SMOVE s t b", "SMOVE s t c", "SMOVE nokey t c", "SADD p 1",
        "SPOP p", "SADD p 1 2 3", "SPOP p 5", "SADD p 7", "SPOP p 1", "SPOP nokey", "SADD x 1 2", "SADD y 2 3", "SINTERSTORE i x y", "SUNIONSTORE u x y",
        "SDIFFSTORE d x y", "SDIFFSTORE d x x", "SINTERSTORE none nokey x");

    [Fact]
    public Task Sorted_set_events_match_redis() => AssertSameEventsAsync(
        "ZADD z 1 a 2 b 3 c 4 d 5 e", "ZADD z 1 a", "ZADD z INCR 5 a", "ZINCRBY z 1 b", "ZADD z XX 3 nope", "ZADD z GT 0 b", "ZADD z CH 9 b",
        "ZREM z nope", "ZREM z a", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z 100 200", "ZREMRANGEBYSCORE z 0 3",
        "ZADD lex 0 a 0 b 0 c", "ZREMRANGEBYLEX lex [a [b", "ZPOPMIN z", "ZPOPMAX z", "ZADD q 1 x 2 y", "ZMPOP 1 q MIN COUNT 5",
        "ZADD x 1 m 2 n", "ZADD y 2 n 3 o", "ZUNIONSTORE u 2 x y", "ZINTERSTORE i 2 x y", "ZDIFFSTORE d 2 x y", "ZDIFFSTORE d 2 x x",
        "ZRANGESTORE r x 0 -1", "ZRANGESTORE r nokey 0 -1", "BZPOPMIN x 0.01", "BZPOPMAX x 0.01", "BZMPOP 0.01 1 y MAX");

    [Fact]
    public Task Geo_events_match_redis() => AssertSameEventsAsync(
        "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g 13.361389 38.115556 Palermo", "GEOADD g XX 1 1 nope",
        "GEOADD g NX CH 1 1 Palermo 2 2 new", "GEOADD g 500 1 bad", "GEOADD fresh XX 1 1 a", "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 200 km",
        "GEOSEARCHSTORE d g FROMLONLAT 15 37 BYRADIUS 1 m", "GEOSEARCHSTORE d nokey FROMLONLAT 15 37 BYRADIUS 1 m", "GEORADIUS g 15 37 200 km STORE r",
        "GEORADIUSBYMEMBER g Palermo 500 km STOREDIST r", "GEORADIUS g 15 37 1 m STORE r", "GEORADIUS nokey 15 37 1 m STORE r",
        "GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km", "GEORADIUS_RO g 15 37 200 km");

    [Fact]
    public async Task Expired_and_evicted_events_and_the_flag_string_match_redis()
    {
        var ours = await ExpireAsync(redis.Node.Port);
        var theirs = await ExpireAsync(redis.Redis.Port);
        ReplyListAssert.Same(theirs, ours);
    }

    [Fact]
    public Task Notify_flags_config_matches_redis() => redis.AssertSameAsync(
        "CONFIG SET notify-keyspace-events KEA", "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events $lshzxeKE",
        "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events gKEm", "CONFIG GET notify-keyspace-events",
        "CONFIG SET notify-keyspace-events An", "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events Kq",
        "CONFIG GET notify-keyspace-events", "CONFIG SET notify-keyspace-events tdn", "CONFIG GET notify-keyspace-events",
        "CONFIG SET notify-keyspace-events x", "CONFIG GET notify-keyspace-events");

    private async Task AssertSameEventsAsync(params string[] script)
    {
        var ours = await EventsAsync(redis.Node.Port, script);
        var theirs = await EventsAsync(redis.Redis.Port, script);
        ReplyListAssert.Same(theirs, ours);
    }

    /// <summary>The replies to the script, then every notification up to a marker, as one list.</summary>
    private static async Task<List<string>> EventsAsync(int port, string[] script)
    {
        await using var writer = await RespTestClient.ConnectAsync(port);
        await using var listener = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await writer.CallAsync("FLUSHALL"));
        Assert.Equal("+OK\r\n", await writer.CallAsync("CONFIG", "SET", "notify-keyspace-events", "AKEn"));
        try
        {
            await listener.CallAsync("PSUBSCRIBE", "*");
            var seen = new List<string>();
            foreach (var command in script)
            {
                seen.Add(await writer.CallAsync(command.Split(' ')));
            }

            await writer.CallAsync("PUBLISH", "marker", "end");
            while (await listener.ReadReplyAsync() is var message && !message.Contains("marker", StringComparison.Ordinal))
            {
                seen.Add(message);
            }

            return seen;
        }
        finally
        {
            await writer.CallAsync("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }

    private static async Task<List<string>> ExpireAsync(int port)
    {
        await using var writer = await RespTestClient.ConnectAsync(port);
        await using var listener = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await writer.CallAsync("FLUSHALL"));
        Assert.Equal("+OK\r\n", await writer.CallAsync("CONFIG", "SET", "notify-keyspace-events", "Ex"));
        try
        {
            var seen = new List<string> { await listener.CallAsync("PSUBSCRIBE", "__keyevent@0__:*") };
            seen.Add(await writer.CallAsync("SET", "gone", "v", "PX", "20"));
            seen.Add(await writer.CallAsync("SET", "stays", "v"));
            // The key goes by the active sweep or when read once expired: either raises "expired".
            seen.Add(await listener.ReadReplyAsync());
            seen.Add(await writer.CallAsync("EXISTS", "gone"));
            return seen;
        }
        finally
        {
            await writer.CallAsync("CONFIG", "SET", "notify-keyspace-events", "");
        }
    }
}
