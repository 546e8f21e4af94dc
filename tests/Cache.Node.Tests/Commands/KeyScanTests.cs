using Cache.Node.Storage;
using Cache.Node.Tests.Compatibility;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands;

/// <summary>SCAN's guarantee under concurrent change, and the key commands on hash values.</summary>
public sealed class KeyScanTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private RespTestClient _client = null!;

    public async Task InitializeAsync()
    {
        // A fake clock: the TTL asserted below must not depend on how loaded the machine is.
        _node = await TestNode.StartAsync(time: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2031, 3, 14, 15, 9, 26, TimeSpan.Zero)));
        _client = await _node.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task A_key_present_for_the_whole_scan_is_returned_while_others_come_and_go()
    {
        var random = new Random(20310314);
        var churn = new List<string>();
        for (var i = 0; i < 500; i++)
        {
            await CallAsync("+OK\r\n", "SET", $"stable:{i}", "v");
            await CallAsync("+OK\r\n", "SET", $"churn:{i}", "v");
            churn.Add($"churn:{i}");
        }

        var everSeen = new HashSet<string>(churn);
        for (var i = 0; i < 500; i++)
        {
            everSeen.Add($"stable:{i}");
        }

        var returned = new Dictionary<string, int>();
        var cursor = "0";
        var added = 0;
        var calls = 0;
        do
        {
            (cursor, var keys) = KeyDifferentialTests.ParseScanReply(await _client.CallAsync("SCAN", cursor, "COUNT", "20"));
            foreach (var key in keys)
            {
                returned[key] = returned.GetValueOrDefault(key) + 1;
            }

            // Between calls: delete churn keys (freeing slots behind and ahead of the cursor)
            // and add more keys than were deleted, so freed slots are reused and the table grows.
            for (var n = 0; n < 10 && churn.Count > 0; n++)
            {
                var victim = random.Next(churn.Count);
                await CallAsync(":1\r\n", "DEL", churn[victim]);
                churn.RemoveAt(victim);
            }

            for (var n = 0; n < 25; n++)
            {
                var key = $"new:{added++}";
                everSeen.Add(key);
                churn.Add(key);
                await CallAsync("+OK\r\n", "SET", key, "v");
            }

            Assert.True(++calls < 1_000, "SCAN never finished");
        }
        while (cursor != "0");

        Assert.True(calls > 20, "the scan should have taken many calls");
        int slotLimit;
        using (_node.Server.Keys.Enter())
        {
            slotLimit = _node.Server.Keys.EntryLimit;
        }

        Assert.True(slotLimit > 1024, "the table should have grown during the scan");
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(1, returned.GetValueOrDefault($"stable:{i}"));
        }

        Assert.All(returned, pair =>
        {
            Assert.Contains(pair.Key, everSeen);
            Assert.Equal(1, pair.Value);
        });
    }

    [Fact]
    public async Task Scan_count_bounds_each_batch_and_the_cursor_resumes()
    {
        for (var i = 0; i < 100; i++)
        {
            await CallAsync("+OK\r\n", "SET", $"k{i}", "v");
        }

        var (cursor, keys) = KeyDifferentialTests.ParseScanReply(await _client.CallAsync("SCAN", "0", "COUNT", "30"));
        Assert.Equal(30, keys.Count);
        Assert.NotEqual("0", cursor);
        var (next, more) = KeyDifferentialTests.ParseScanReply(await _client.CallAsync("SCAN", cursor, "COUNT", "1000"));
        Assert.Equal("0", next);
        Assert.Equal(70, more.Count);
        Assert.Empty(keys.Intersect(more));
        await CallAsync("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "4294967296");
        await CallAsync("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "100000");
    }

    [Fact]
    public async Task Type_scan_keys_and_rename_handle_hash_values()
    {
        AddHash("h", "f", "v");
        await CallAsync("+OK\r\n", "SET", "s", "v");
        await CallAsync("+hash\r\n", "TYPE", "h");
        await CallAsync("+string\r\n", "TYPE", "s");
        await CallAsync("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nh\r\n", "SCAN", "0", "TYPE", "HASH");
        await CallAsync("*2\r\n$1\r\n0\r\n*1\r\n$1\r\ns\r\n", "SCAN", "0", "TYPE", "string");
        await CallAsync("*2\r\n$1\r\n0\r\n*0\r\n", "SCAN", "0", "TYPE", "list");
        await CallAsync("*1\r\n$1\r\nh\r\n", "KEYS", "h*");
        await CallAsync("+OK\r\n", "RENAME", "h", "h2");
        await CallAsync("+hash\r\n", "TYPE", "h2");
        await CallAsync("+OK\r\n", "RENAME", "h2", "s");        // a hash replaces a string
        await CallAsync("+hash\r\n", "TYPE", "s");
        await CallAsync(":1\r\n", "EXPIRE", "s", "100");
        await CallAsync(":100\r\n", "TTL", "s");
        await CallAsync("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "GET", "s");
        await CallAsync(":1\r\n", "EXISTS", "s");
        await CallAsync(":1\r\n", "DEL", "s");
        await CallAsync(":0\r\n", "DBSIZE");
    }

    private void AddHash(string key, string field, string value)
    {
        var keys = _node.Server.Keys;
        using (keys.Enter())
        {
            ref var entry = ref keys.GetOrAdd(System.Text.Encoding.UTF8.GetBytes(key), out _);
            keys.HashSet(ref entry, System.Text.Encoding.UTF8.GetBytes(field), System.Text.Encoding.UTF8.GetBytes(value));
        }
    }

    private async Task CallAsync(string expected, params string[] args) => Assert.Equal(expected, await _client.CallAsync(args));
}
