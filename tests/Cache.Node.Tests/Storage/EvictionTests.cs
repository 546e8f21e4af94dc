using System.Text;
using Cache.Node.Storage;
using Cache.Node.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Cache.Node.Tests.Storage;

/// <summary>maxmemory and the eviction policies, on the key space and over the wire.</summary>
public sealed class EvictionTests
{
    private const string Oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero));

    [Fact]
    public void Allkeys_lru_evicts_down_to_the_limit_and_keeps_the_keys_in_use()
    {
        var keys = new KeySpace(_time) { Policy = EvictionPolicy.AllKeysLru };
        for (var i = 0; i < 10_000; i++)
        {
            keys.SetString(B($"key:{i}"), new byte[100]);
        }

        keys.MaxMemory = keys.UsedMemory - 400_000;   // about a third of the keys must go
        _time.Advance(TimeSpan.FromSeconds(1));       // the LRU clock counts seconds, as Redis' does
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(keys.Exists(B($"key:{i}")));   // the first thousand are now the recently used
        }

        // More than one call's budget must go: each call evicts at most EvictionsPerCall keys.
        Assert.True(keys.EnsureMemory());
        Assert.Equal(KeySpace.EvictionsPerCall, keys.EvictedKeys);
        while (keys.UsedMemory > keys.MaxMemory)
        {
            Assert.True(keys.EnsureMemory());
        }

        Assert.True(keys.EvictedKeys > 2000, $"{keys.EvictedKeys} evicted");
        Assert.Equal(10_000 - keys.EvictedKeys, keys.Count);
        var hotKept = Enumerable.Range(0, 1000).Count(i => keys.Exists(B($"key:{i}")));
        Assert.True(hotKept > 950, $"only {hotKept} of 1000 recently used keys survived");
    }

    [Fact]
    public void Volatile_ttl_evicts_the_soonest_expiring_and_never_a_persistent_key()
    {
        var keys = new KeySpace(_time) { Policy = EvictionPolicy.VolatileTtl, EvictionSamples = 10 };
        for (var i = 0; i < 1000; i++)
        {
            keys.SetString(B($"ttl:{i}"), new byte[100], keys.NowMs + 1000 + (i * 1000L));
            keys.SetString(B($"keep:{i}"), new byte[100]);
        }

        keys.MaxMemory = keys.UsedMemory - 30_000;
        Assert.True(keys.EnsureMemory());
        Assert.True(keys.EvictedKeys > 0);
        Assert.Equal(1000, Enumerable.Range(0, 1000).Count(i => keys.Exists(B($"keep:{i}"))));
        var survivors = Enumerable.Range(0, 1000).Where(i => keys.Exists(B($"ttl:{i}"))).ToList();
        var soonest = (int)keys.EvictedKeys * 2;
        var evictedSoon = Enumerable.Range(0, soonest).Count(i => !keys.Exists(B($"ttl:{i}")));
        Assert.True(evictedSoon > keys.EvictedKeys * 0.8, $"{evictedSoon} of {keys.EvictedKeys} evicted are among the {soonest} soonest");

        // With only persistent keys left over the limit, nothing may go: the write is refused.
        keys.MaxMemory = 1;
        Assert.False(keys.EnsureMemory());
        Assert.Equal(0, keys.VolatileCount);
        Assert.Equal(1000, keys.Count);
        Assert.NotEmpty(survivors);
    }

    [Fact]
    public void Allkeys_sieve_keeps_keys_in_use_and_demotes_one_hit_newcomers_first()
    {
        var keys = new KeySpace(_time) { Policy = EvictionPolicy.AllKeysSieve };
        for (var i = 0; i < 1500; i++)
        {
            keys.SetString(B($"hot:{i}"), new byte[100]);
        }

        // Room for the hot set and about 200 more keys, within the index's current capacity
        // (2048 slots: growing it would count too).
        keys.MaxMemory = keys.UsedMemory + 30_000;
        for (var round = 0; round < 5; round++)
        {
            // The hot keys are read between waves of keys read never again (a scan).
            for (var i = 0; i < 1500; i++)
            {
                Assert.True(keys.Exists(B($"hot:{i}")), $"hot:{i} evicted in round {round}");
            }

            for (var i = 0; i < 300; i++)
            {
                Assert.True(keys.EnsureMemory());
                keys.SetString(B($"scan:{round}:{i}"), new byte[100]);
            }
        }

        Assert.True(keys.EvictedKeys >= 1000, $"{keys.EvictedKeys} evicted");
        Assert.True(keys.UsedMemory <= keys.MaxMemory + 200);
    }

    [Fact]
    public void Switching_policies_builds_and_drops_the_sieve_queue()
    {
        var keys = new KeySpace(_time);
        for (var i = 0; i < 100; i++)
        {
            keys.SetString(B($"k{i}"), "v"u8);
        }

        var before = keys.UsedMemory;
        keys.Policy = EvictionPolicy.AllKeysSieve;
        Assert.True(keys.UsedMemory > before);
        keys.Delete("k5"u8);
        keys.MaxMemory = 1;
        Assert.False(keys.EnsureMemory());   // everything went, the index itself is over 1 byte
        Assert.Equal(0, keys.Count);
        keys.Policy = EvictionPolicy.AllKeysLru;
        keys.MaxMemory = 0;
        keys.SetString("again"u8, "v"u8);
        Assert.Equal(1, keys.Count);
    }

    [Fact]
    public void Noeviction_refuses_and_never_deletes()
    {
        var keys = new KeySpace(_time);
        keys.SetString("a"u8, "1"u8);
        keys.MaxMemory = 1;
        Assert.False(keys.EnsureMemory());
        Assert.True(keys.Exists("a"u8));
        keys.MaxMemory = 0;
        Assert.True(keys.EnsureMemory());
    }

    [Fact]
    public async Task Over_the_wire_noeviction_answers_writes_with_the_oom_error_and_reads_go_on()
    {
        await using var node = await TestNode.StartAsync(time: _time);
        await using var client = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k", "v"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "maxmemory", "1"));
        Assert.Equal(Oom, await client.CallAsync("SET", "k2", "v"));
        Assert.Equal(Oom, await client.CallAsync("HSET", "h", "f", "v"));
        Assert.Equal("$1\r\nv\r\n", await client.CallAsync("GET", "k"));
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal(Oom, await client.CallAsync("SET", "k3", "v"));
        Assert.StartsWith("-EXECABORT", await client.CallAsync("EXEC"), StringComparison.Ordinal);
        Assert.Equal(":1\r\n", await client.CallAsync("DEL", "k"));
        Assert.Equal("*2\r\n$9\r\nmaxmemory\r\n$1\r\n1\r\n", await client.CallAsync("CONFIG", "GET", "maxmemory"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "maxmemory", "0"));
        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "k2", "v"));
    }

    [Fact]
    public async Task An_exec_holding_writes_aborts_when_memory_ran_out_after_queuing()
    {
        await using var node = await TestNode.StartAsync(time: _time);
        await using var client = await node.ConnectAsync();
        await using var admin = await node.ConnectAsync();
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal("+QUEUED\r\n", await client.CallAsync("SET", "b", "1"));
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "maxmemory", "1"));
        Assert.Equal("-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n", await client.CallAsync("EXEC"));
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.Equal(Oom, await client.CallAsync("GET", "b"));
        Assert.Equal("+OK\r\n", await admin.CallAsync("CONFIG", "SET", "maxmemory", "0"));
        Assert.Equal("-EXECABORT Transaction discarded because of previous errors.\r\n", await client.CallAsync("EXEC"));
        Assert.Equal("$-1\r\n", await client.CallAsync("GET", "b"));
    }

    [Fact]
    public async Task Over_the_wire_allkeys_lru_makes_room_and_info_reports_it()
    {
        await using var node = await TestNode.StartAsync(o => { o.MaxMemory = "2mb"; o.MaxMemoryPolicy = "allkeys-lru"; }, _time);
        await using var client = await node.ConnectAsync();
        Assert.Equal("*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n", await client.CallAsync("CONFIG", "GET", "maxmemory-policy"));
        var value = new string('x', 1000);
        for (var i = 0; i < 5000; i++)
        {
            Assert.Equal("+OK\r\n", await client.CallAsync("SET", $"key:{i}", value));
        }

        var info = await client.CallAsync("INFO", "memory");
        var used = long.Parse(Line(info, "used_memory"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(used <= (2 << 20) + 2000, $"used_memory {used}");
        Assert.Equal("2097152", Line(info, "maxmemory"));
        Assert.Equal("allkeys-lru", Line(info, "maxmemory_policy"));
        var evicted = long.Parse(Line(await client.CallAsync("INFO", "stats"), "evicted_keys"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(evicted > 2000, $"evicted_keys {evicted}");
        Assert.Equal($":{5000 - evicted}\r\n", await client.CallAsync("DBSIZE"));
        Assert.StartsWith("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy')", await client.CallAsync("CONFIG", "SET", "maxmemory-policy", "lfu-please"), StringComparison.Ordinal);
    }

    private static string Line(string info, string name)
    {
        foreach (var line in info.Split("\r\n"))
        {
            if (line.StartsWith(name + ":", StringComparison.Ordinal))
            {
                return line[(name.Length + 1)..];
            }
        }

        return "";
    }

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);
}
