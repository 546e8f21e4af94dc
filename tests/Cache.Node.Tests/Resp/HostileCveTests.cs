using System.Text;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Resp;

/// <summary>
/// One test per class of Redis CVE that applies to a RESP server like ours, over a real socket:
/// each gets Redis' error, the node keeps serving, the stored data survives and memory stays bounded.
/// </summary>
public sealed class HostileCveTests : IAsyncLifetime
{
    private TestNode _node = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        await using var client = await _node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "precious", "data"));
    }

    public Task DisposeAsync() => _node.DisposeAsync().AsTask();

    // CVE-2021-32675: before AUTH a client may not declare big multibulk counts or bulks.
    [Theory]
    [InlineData("*11\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n")]
    [InlineData("*1048576\r\n", "-ERR Protocol error: unauthenticated multibulk length\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\n$16385\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\n$536870912\r\n", "-ERR Protocol error: unauthenticated bulk length\r\n")]
    public async Task Before_auth_big_counts_and_bulks_are_refused(string wire, string expected)
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "s3cret");
        await using var owner = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await owner.CallAsync("AUTH", "s3cret"));
        Assert.Equal("+OK\r\n", await owner.CallAsync("SET", "kept", "v"));

        await using (var attacker = await node.ConnectAsync())
        {
            await attacker.SendRawAsync(wire);
            Assert.Equal(expected, await attacker.ReadReplyAsync());
            Assert.True(await attacker.IsClosedByServerAsync());
        }

        // Within the limits an unauthenticated client just gets NOAUTH; after AUTH the limits lift.
        await using var late = await node.ConnectAsync();
        Assert.Equal("-NOAUTH Authentication required.\r\n", await late.CallAsync("SET", "a", "b", "c", "d", "e", "f", "g", "h", "i"));
        Assert.Equal("+OK\r\n", await late.CallAsync("AUTH", "s3cret"));
        Assert.Equal("+OK\r\n", await late.CallAsync("SET", "big", new string('b', 100_000)));
        Assert.Equal("$1\r\nv\r\n", await owner.CallAsync("GET", "kept"));
    }

    // CVE-2024-31228 (and CVE-2022-36021): long patterns with many stars in KEYS, SCAN MATCH and
    // PSUBSCRIBE cost bounded work, and past 1000 nested stars match nothing, as in Redis 7.0.15.
    [Fact]
    public async Task Patterns_with_many_stars_are_cheap_and_match_nothing_past_Redis_nesting_limit()
    {
        var longKey = new string('a', 50_000);
        var abusive = string.Concat(Enumerable.Repeat("*?", 50_000));
        await using var client = await _node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", longKey, "1"));

        Assert.Equal("*0\r\n", await client.CallAsync("KEYS", abusive));
        Assert.Equal("*2\r\n$1\r\n0\r\n*0\r\n", await client.CallAsync("SCAN", "0", "MATCH", abusive, "COUNT", "1000"));
        // Redis' own regression: exponential backtracking in a naive matcher.
        Assert.Equal("*0\r\n", await client.CallAsync("KEYS", string.Concat(Enumerable.Repeat("a*", 40)) + "b"));
        // 1000 nested star groups still match; the 1001st gives up, as Redis' nesting limit does.
        Assert.Equal($"*1\r\n$50000\r\n{longKey}\r\n", await client.CallAsync("KEYS", string.Concat(Enumerable.Repeat("*a", 1000))));
        Assert.Equal("*0\r\n", await client.CallAsync("KEYS", string.Concat(Enumerable.Repeat("*a", 1001))));

        await using var subscriber = await _node.ConnectAsync();
        Assert.StartsWith("*3\r\n$10\r\npsubscribe\r\n", await subscriber.CallAsync("PSUBSCRIBE", abusive), StringComparison.Ordinal);
        Assert.Equal(":0\r\n", await client.CallAsync("PUBLISH", longKey, "hello"));
        await AssertStillServingAsync();
    }

    // CVE-2023-28856: HINCRBYFLOAT with an infinite increment must not store inf (Redis then
    // asserted on reload). INCRBYFLOAT refuses results that are NaN or infinite.
    [Fact]
    public async Task Float_increments_never_store_inf_or_nan()
    {
        await using var client = await _node.ConnectAsync();
        Assert.Equal(":1\r\n", await client.CallAsync("HSET", "h", "f", "1"));
        Assert.Equal("-ERR value is NaN or Infinity\r\n", await client.CallAsync("HINCRBYFLOAT", "h", "f", "inf"));
        Assert.Equal("-ERR value is NaN or Infinity\r\n", await client.CallAsync("HINCRBYFLOAT", "h", "new", "-inf"));
        Assert.Equal("-ERR value is not a valid float\r\n", await client.CallAsync("HINCRBYFLOAT", "h", "f", "nan"));
        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("HGET", "h", "f"));
        Assert.Equal(":0\r\n", await client.CallAsync("HEXISTS", "h", "new"));

        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "n", "1"));
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", await client.CallAsync("INCRBYFLOAT", "n", "inf"));
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", await client.CallAsync("INCRBYFLOAT", "n", "-inf"));
        Assert.Equal("-ERR value is not a valid float\r\n", await client.CallAsync("INCRBYFLOAT", "n", "nan"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "inf", "inf"));
        Assert.Equal("-ERR increment would produce NaN or Infinity\r\n", await client.CallAsync("INCRBYFLOAT", "inf", "1"));
        Assert.Equal("$1\r\n1\r\n", await client.CallAsync("GET", "n"));
        await AssertStillServingAsync();
    }

    // SETRANGE, APPEND, SETBIT and BITFIELD: offsets near long.MaxValue and sizes past
    // proto-max-bulk-len are refused before anything is allocated.
    [Fact]
    public async Task Size_arithmetic_near_the_limits_is_refused_without_allocating()
    {
        await using var client = await _node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "s", "abc"));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        const string TooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
        Assert.Equal(TooBig, await client.CallAsync("SETRANGE", "s", "536870912", "x"));
        Assert.Equal(TooBig, await client.CallAsync("SETRANGE", "s", "9223372036854775807", "x"));
        Assert.Equal(TooBig, await client.CallAsync("SETRANGE", "s", "9223372036854775806", "xyz"));
        Assert.Equal("-ERR offset is out of range\r\n", await client.CallAsync("SETRANGE", "s", "-1", "x"));
        Assert.Equal("-ERR value is not an integer or out of range\r\n", await client.CallAsync("SETRANGE", "s", "9223372036854775808", "x"));

        const string BadBit = "-ERR bit offset is not an integer or out of range\r\n";
        Assert.Equal(BadBit, await client.CallAsync("SETBIT", "s", "4294967296", "1"));
        Assert.Equal(BadBit, await client.CallAsync("SETBIT", "s", "9223372036854775807", "1"));
        Assert.Equal(BadBit, await client.CallAsync("SETBIT", "s", "-1", "1"));
        Assert.Equal(BadBit, await client.CallAsync("BITFIELD", "s", "SET", "u8", "9223372036854775807", "1"));
        Assert.Equal(BadBit, await client.CallAsync("BITFIELD", "s", "INCRBY", "u8", "#1152921504606846975", "1"));
        Assert.Equal(BadBit, await client.CallAsync("BITFIELD", "s", "GET", "u8", "#-1"));

        // Reads with extreme ranges clamp, as Redis does.
        Assert.Equal("$3\r\nabc\r\n", await client.CallAsync("GETRANGE", "s", "-9223372036854775808", "9223372036854775807"));
        Assert.Equal(":-1\r\n", await client.CallAsync("BITPOS", "s", "1", "9223372036854775807"));
        Assert.Equal(":3\r\n", await client.CallAsync("BITCOUNT", "s", "0", "-9223372036854775808"));

        // APPEND past proto-max-bulk-len (lowered to 1 MB so the test stays small).
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "1mb"));
        try
        {
            Assert.Equal(":1000003\r\n", await client.CallAsync("APPEND", "s", new string('a', 1_000_000)));
            Assert.Equal(TooBig, await client.CallAsync("APPEND", "s", new string('a', 50_000)));
            Assert.Equal(TooBig, await client.CallAsync("SETRANGE", "s", "1048576", "x"));
            Assert.Equal(":1000003\r\n", await client.CallAsync("STRLEN", "s"));
        }
        finally
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "proto-max-bulk-len", "512mb"));
        }

        Assert.Equal(":1\r\n", await client.CallAsync("DEL", "s"));
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) - before < 64L * 1024 * 1024, "a refused command allocated its size");
        await AssertStillServingAsync();
    }

    // CVE-2023-25155: SRANDMEMBER, ZRANDMEMBER and HRANDFIELD with counts near long.MinValue
    // (negating them overflowed) get Redis' range errors; huge positive counts return the whole set.
    [Fact]
    public async Task Random_member_counts_near_the_limits_are_refused_or_clamped()
    {
        await using var client = await _node.ConnectAsync();
        Assert.Equal(":3\r\n", await client.CallAsync("SADD", "st", "a", "b", "c"));
        Assert.Equal(":2\r\n", await client.CallAsync("ZADD", "z", "1", "a", "2", "b"));
        Assert.Equal(":2\r\n", await client.CallAsync("HSET", "hh", "a", "1", "b", "2"));
        const string LongRange = "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n";
        const string OutOfRange = "-ERR value is out of range\r\n";

        Assert.Equal(LongRange, await client.CallAsync("SRANDMEMBER", "st", "-9223372036854775808"));
        Assert.Equal(LongRange, await client.CallAsync("ZRANDMEMBER", "z", "-9223372036854775808"));
        Assert.Equal(LongRange, await client.CallAsync("HRANDFIELD", "hh", "-9223372036854775808"));
        Assert.Equal(OutOfRange, await client.CallAsync("ZRANDMEMBER", "z", "-4611686018427387904", "WITHSCORES"));
        Assert.Equal(OutOfRange, await client.CallAsync("ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"));
        Assert.Equal(OutOfRange, await client.CallAsync("HRANDFIELD", "hh", "-4611686018427387904", "WITHVALUES"));
        Assert.Equal(OutOfRange, await client.CallAsync("HRANDFIELD", "hh", "4611686018427387904", "WITHVALUES"));
        // Repeats beyond what a reply can hold: Redis would try to send them; we refuse.
        Assert.Equal(OutOfRange, await client.CallAsync("SRANDMEMBER", "st", "-9223372036854775807"));

        Assert.StartsWith("*3\r\n", await client.CallAsync("SRANDMEMBER", "st", "9223372036854775807"), StringComparison.Ordinal);
        Assert.StartsWith("*4\r\n", await client.CallAsync("ZRANDMEMBER", "z", "4611686018427387903", "WITHSCORES"), StringComparison.Ordinal);
        Assert.StartsWith("*4\r\n", await client.CallAsync("HRANDFIELD", "hh", "4611686018427387903", "WITHVALUES"), StringComparison.Ordinal);
        Assert.Equal("*0\r\n", await client.CallAsync("SRANDMEMBER", "missing", "-5"));
        await AssertStillServingAsync();
    }

    // CVE-2025-21605: a client that sends commands and never reads the replies, authenticated
    // or not, must not grow the node's memory without bound.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_never_reads_cannot_grow_memory_without_bound(bool beforeAuth)
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = beforeAuth ? "s3cret" : null);
        await using var owner = await node.ConnectAsync();
        if (beforeAuth)
        {
            Assert.Equal("+OK\r\n", await owner.CallAsync("AUTH", "s3cret"));
        }

        // Each GET replies 256 KB: 400 of them would be 100 MB of replies if all were buffered.
        Assert.Equal("+OK\r\n", await owner.CallAsync("SET", "big", new string('v', 256 * 1024)));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        await using var attacker = await node.ConnectAsync();
        var command = beforeAuth ? RespTestClient.Encode("PING") : RespTestClient.Encode("GET", "big");
        var batch = new byte[command.Length * (beforeAuth ? 2000 : 20)];
        for (var at = 0; at < batch.Length; at += command.Length)
        {
            command.CopyTo(batch, at);
        }

        // Unauthenticated, each 14-byte PING earns a 34-byte NOAUTH: 8 MB of requests would be
        // 20 MB of replies if all were buffered.
        var batches = beforeAuth ? 300 : 20;
        var sent = (long)batches * (batch.Length / command.Length);
        var start = await TotalProcessedAsync(owner);
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            for (var i = 0; i < batches && !stop.IsCancellationRequested; i++)
            {
                await attacker.SendRawAsync(batch);
            }
        });

        var processed = await StalledCountAsync(owner) - start;
        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.True(processed < sent / 2, $"the node ran {processed} of {sent} commands while no one read their replies");
        Assert.True(grown < 48L * 1024 * 1024, $"memory grew by {grown} bytes for a client that never reads");

        Assert.Equal("+PONG\r\n", await owner.CallAsync("PING"));
        Assert.StartsWith($"${256 * 1024}\r\nvvv", await owner.CallAsync("GET", "big"), StringComparison.Ordinal);
        await stop.CancelAsync();
        await attacker.DisposeAsync();
        // The sender ends when the node drops the connection, or had already sent everything.
        await sender.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
    }

    // Polls until the node stops running commands (the never-reading client's replies fill the
    // socket and the node stops reading it); returns the commands run so far, this poll's INFO aside.
    private static async Task<long> StalledCountAsync(RespTestClient observer)
    {
        long last = -1;
        var stable = 0;
        for (var poll = 0; poll < 150; poll++)
        {
            var total = await TotalProcessedAsync(observer);
            // Each poll's own INFO counts one.
            stable = total - last <= 1 ? stable + 1 : 0;
            last = total;
            if (stable >= 5)
            {
                return total - poll;
            }

            await Task.Delay(200);
        }

        return last;
    }

    private static async Task<long> TotalProcessedAsync(RespTestClient observer)
    {
        var info = await observer.CallAsync("INFO", "stats");
        var line = info.Split("\r\n").First(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
        return long.Parse(line.AsSpan("total_commands_processed:".Length), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task AssertStillServingAsync()
    {
        await using var client = await _node.ConnectAsync();
        Assert.Equal("+PONG\r\n", await client.CallAsync("PING"));
        Assert.Equal("$4\r\ndata\r\n", await client.CallAsync("GET", "precious"));
    }
}
