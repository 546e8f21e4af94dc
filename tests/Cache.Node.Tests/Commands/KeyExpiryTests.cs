using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Commands;

/// <summary>
/// Expiry over time, driven by a fake clock. The node runs with hz 1 so its own active
/// expiry tick (one fake second away) cannot interfere: every test advances less than that
/// before it checks what is still stored.
/// </summary>
public sealed class KeyExpiryTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2031, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private TestNode _node = null!;
    private RespTestClient _client = null!;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(o => o.Hz = 1, _time);
        _client = await _node.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Ttl_pttl_and_expiretime_count_down_with_the_clock()
    {
        await CallAsync("+OK\r\n", "SET", "k", "v", "EX", "100");
        var deadline = NowMs + 100_000;
        await CallAsync(":100\r\n", "TTL", "k");
        await CallAsync(":100000\r\n", "PTTL", "k");
        await CallAsync($":{deadline}\r\n", "PEXPIRETIME", "k");
        await CallAsync($":{(deadline + 500) / 1000}\r\n", "EXPIRETIME", "k");

        _time.Advance(TimeSpan.FromMilliseconds(1400));
        await CallAsync(":99\r\n", "TTL", "k");       // 98.6 s rounds to 99
        await CallAsync(":98600\r\n", "PTTL", "k");
        await CallAsync($":{deadline}\r\n", "PEXPIRETIME", "k");

        _time.Advance(TimeSpan.FromMilliseconds(200));
        await CallAsync(":98\r\n", "TTL", "k");       // 98.4 s rounds to 98
        await CallAsync(":98400\r\n", "PTTL", "k");

        _time.Advance(TimeSpan.FromMilliseconds(98_399));
        await CallAsync(":0\r\n", "TTL", "k");        // 1 ms left still rounds to 0, not -2
        await CallAsync(":1\r\n", "PTTL", "k");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await CallAsync(":-2\r\n", "TTL", "k");
        await CallAsync(":-2\r\n", "PTTL", "k");
        await CallAsync(":-2\r\n", "EXPIRETIME", "k");
    }

    [Fact]
    public async Task An_expired_key_disappears_on_access_and_counts_as_expired()
    {
        await CallAsync("+OK\r\n", "SET", "k", "v");
        await CallAsync(":1\r\n", "PEXPIRE", "k", "500");
        _time.Advance(TimeSpan.FromMilliseconds(499));
        await CallAsync("$1\r\nv\r\n", "GET", "k");
        Assert.Equal(0, ExpiredKeys());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await CallAsync(":1\r\n", "DBSIZE");           // nobody touched it yet
        await CallAsync(":0\r\n", "EXISTS", "k");
        Assert.Equal(1, ExpiredKeys());
        await CallAsync(":0\r\n", "DBSIZE");
        await CallAsync("$-1\r\n", "GET", "k");
        await CallAsync("+none\r\n", "TYPE", "k");
        Assert.Equal(0, VolatileCount());
    }

    [Fact]
    public async Task Every_key_command_treats_an_expired_key_as_missing()
    {
        foreach (var command in new[] { "TTL", "TYPE", "PERSIST", "EXPIRE", "RENAME", "DEL", "TOUCH", "KEYS" })
        {
            await CallAsync("+OK\r\n", "SET", "k", "v", "PX", "100");
            _time.Advance(TimeSpan.FromMilliseconds(100));
            var (args, expected) = command switch
            {
                "TTL" => (new[] { "TTL", "k" }, ":-2\r\n"),
                "TYPE" => (["TYPE", "k"], "+none\r\n"),
                "PERSIST" => (["PERSIST", "k"], ":0\r\n"),
                "EXPIRE" => (["EXPIRE", "k", "100"], ":0\r\n"),
                "RENAME" => (["RENAME", "k", "j"], "-ERR no such key\r\n"),
                "DEL" => (["DEL", "k"], ":0\r\n"),
                "TOUCH" => (["TOUCH", "k"], ":0\r\n"),
                _ => (["KEYS", "*"], "*0\r\n"),
            };
            Assert.Equal(expected, await _client.CallAsync(args));
            await CallAsync(":0\r\n", "EXISTS", "k");
            await CallAsync(":0\r\n", "DBSIZE");
        }
    }

    [Fact]
    public async Task Nx_xx_gt_lt_compare_against_the_remaining_time()
    {
        await CallAsync("+OK\r\n", "SET", "k", "v", "EX", "100");
        _time.Advance(TimeSpan.FromMilliseconds(900));   // 99.1 s left
        await CallAsync(":0\r\n", "PEXPIRE", "k", "99100", "GT");   // equal is not greater
        await CallAsync(":0\r\n", "PEXPIRE", "k", "99100", "LT");   // nor less
        await CallAsync(":1\r\n", "PEXPIRE", "k", "99101", "GT");
        await CallAsync(":99101\r\n", "PTTL", "k");
        await CallAsync(":0\r\n", "EXPIRE", "k", "99", "GT");
        await CallAsync(":1\r\n", "EXPIRE", "k", "99", "LT");
        await CallAsync(":99000\r\n", "PTTL", "k");
        await CallAsync(":0\r\n", "EXPIRE", "k", "50", "NX");
        await CallAsync(":1\r\n", "EXPIRE", "k", "50", "XX");
        await CallAsync(":1\r\n", "EXPIRE", "k", "60", "XX", "GT");
        await CallAsync(":0\r\n", "EXPIRE", "k", "70", "XX", "LT");
        await CallAsync(":60000\r\n", "PTTL", "k");
        await CallAsync(":1\r\n", "PEXPIREAT", "k", (NowMs + 1).ToString(Inv), "LT");
        await CallAsync(":1\r\n", "PTTL", "k");

        // Without a TTL: GT never applies (no TTL is infinite), LT always does, XX never, NX does.
        await CallAsync(":1\r\n", "PERSIST", "k");
        await CallAsync(":0\r\n", "EXPIRE", "k", "10", "GT");
        await CallAsync(":0\r\n", "EXPIRE", "k", "10", "XX");
        await CallAsync(":-1\r\n", "TTL", "k");
        await CallAsync(":1\r\n", "EXPIRE", "k", "10", "LT");
        await CallAsync(":1\r\n", "PERSIST", "k");
        await CallAsync(":1\r\n", "EXPIRE", "k", "20", "NX");
        await CallAsync(":20\r\n", "TTL", "k");
    }

    [Fact]
    public async Task A_time_that_is_now_or_past_deletes_the_key()
    {
        await CallAsync("+OK\r\n", "SET", "a", "v", "EX", "100");
        await CallAsync(":1\r\n", "PEXPIREAT", "a", NowMs.ToString(Inv));
        await CallAsync(":0\r\n", "EXISTS", "a");

        await CallAsync("+OK\r\n", "SET", "b", "v");
        await CallAsync(":1\r\n", "PEXPIREAT", "b", (NowMs + 1).ToString(Inv));
        await CallAsync(":1\r\n", "EXISTS", "b");
        await CallAsync(":1\r\n", "PEXPIREAT", "b", (NowMs - 1).ToString(Inv));
        await CallAsync(":0\r\n", "EXISTS", "b");

        // EXPIREAT in whole seconds: the current second (rounded down) is already past.
        await CallAsync("+OK\r\n", "SET", "c", "v");
        await CallAsync(":1\r\n", "EXPIREAT", "c", (NowMs / 1000).ToString(Inv));
        await CallAsync(":0\r\n", "EXISTS", "c");
        await CallAsync("+OK\r\n", "SET", "d", "v");
        await CallAsync(":1\r\n", "EXPIREAT", "d", ((NowMs / 1000) + 1).ToString(Inv));
        await CallAsync(":465\r\n", "PTTL", "d");  // the clock started at .535
        await CallAsync(":0\r\n", "PEXPIRE", "missing", "-1");
        await CallAsync(":1\r\n", "DBSIZE");
        Assert.Equal(1, VolatileCount());
    }

    [Fact]
    public async Task Persist_and_rename_carry_or_drop_the_deadline()
    {
        await CallAsync("+OK\r\n", "SET", "a", "v", "PX", "5000");
        await CallAsync("+OK\r\n", "RENAME", "a", "b");
        await CallAsync(":5000\r\n", "PTTL", "b");
        await CallAsync(":-2\r\n", "PTTL", "a");
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await CallAsync(":1\r\n", "RENAMENX", "b", "c");
        await CallAsync(":4700\r\n", "PTTL", "c");
        await CallAsync("+OK\r\n", "SET", "p", "v");
        await CallAsync("+OK\r\n", "RENAME", "p", "c");   // a persistent key replaces a volatile one
        await CallAsync(":-1\r\n", "PTTL", "c");
        Assert.Equal(0, VolatileCount());

        await CallAsync("+OK\r\n", "SET", "x", "v", "PX", "200");
        await CallAsync("+OK\r\n", "SET", "y", "v", "PX", "900");
        await CallAsync("+OK\r\n", "RENAME", "y", "x");
        Assert.Equal(1, VolatileCount());
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await CallAsync("$1\r\nv\r\n", "GET", "x");         // x now has y's later deadline
        await CallAsync(":1\r\n", "PERSIST", "x");
        _time.Advance(TimeSpan.FromMilliseconds(650));
        await CallAsync("$1\r\nv\r\n", "GET", "x");
        Assert.Equal(0, VolatileCount());
    }

    [Fact]
    public async Task Active_expiry_reclaims_keys_nobody_reads()
    {
        for (var i = 0; i < 200; i++)
        {
            await CallAsync("+OK\r\n", "SET", $"gone:{i}", "v", "PX", (100 + i).ToString(Inv));
        }

        for (var i = 0; i < 50; i++)
        {
            await CallAsync("+OK\r\n", "SET", $"kept:{i}", "v");
        }

        await CallAsync("+OK\r\n", "SET", "later", "v", "PX", "900");
        _time.Advance(TimeSpan.FromMilliseconds(400));
        await CallAsync(":251\r\n", "DBSIZE");
        Assert.Equal(0, ExpiredKeys());

        // The keys are still stored, but KEYS and SCAN never show them (nor delete them).
        await CallAsync("*0\r\n", "KEYS", "gone:*");
        var (cursor, keys) = Compatibility.KeyDifferentialTests.ParseScanReply(await _client.CallAsync("SCAN", "0", "MATCH", "gone:*", "COUNT", "1000"));
        Assert.Equal("0", cursor);
        Assert.Empty(keys);
        await CallAsync(":251\r\n", "DBSIZE");

        int deleted;
        using (_node.Server.Keys.Enter())
        {
            deleted = _node.Server.Keys.ActiveExpireCycle(100_000);
        }

        await CallAsync(":51\r\n", "DBSIZE");
        Assert.Equal(200, deleted);
        Assert.Equal(200, ExpiredKeys());
        Assert.Equal(1, VolatileCount());
        await CallAsync("$1\r\nv\r\n", "GET", "later");
    }

    [Fact]
    public async Task Active_expiry_sweeps_in_bounded_steps_until_all_are_gone()
    {
        for (var i = 0; i < 300; i++)
        {
            await CallAsync("+OK\r\n", "SET", $"k{i}", "v", "PX", "10");
        }

        _time.Advance(TimeSpan.FromMilliseconds(10));
        var keys = _node.Server.Keys;
        int first;
        using (keys.Enter())
        {
            first = keys.ActiveExpireCycle(100);
        }

        Assert.InRange(first, 1, 100);
        await CallAsync($":{300 - first}\r\n", "DBSIZE");
        for (var step = 0; step < 10; step++)
        {
            using (keys.Enter())
            {
                keys.ActiveExpireCycle(100);
            }
        }

        await CallAsync(":0\r\n", "DBSIZE");
        Assert.Equal(300, ExpiredKeys());
        Assert.Equal(0, VolatileCount());
    }

    [Fact]
    public async Task Randomkey_skips_and_reclaims_expired_keys()
    {
        await CallAsync("+OK\r\n", "SET", "a", "v", "PX", "100");
        await CallAsync("+OK\r\n", "SET", "b", "v", "PX", "100");
        await CallAsync("+OK\r\n", "SET", "stay", "v");
        _time.Advance(TimeSpan.FromMilliseconds(100));
        for (var i = 0; i < 10; i++)
        {
            await CallAsync("$4\r\nstay\r\n", "RANDOMKEY");
        }

        await CallAsync(":1\r\n", "DEL", "stay");
        await CallAsync("$-1\r\n", "RANDOMKEY");
        await CallAsync(":0\r\n", "DBSIZE");
    }

    private static IFormatProvider Inv => System.Globalization.CultureInfo.InvariantCulture;

    private async Task CallAsync(string expected, params string[] args) => Assert.Equal(expected, await _client.CallAsync(args));

    private long ExpiredKeys()
    {
        using (_node.Server.Keys.Enter())
        {
            return _node.Server.Keys.ExpiredKeys;
        }
    }

    private int VolatileCount()
    {
        using (_node.Server.Keys.Enter())
        {
            return _node.Server.Keys.VolatileCount;
        }
    }
}
