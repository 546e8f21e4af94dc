using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands;

/// <summary>Hash behaviour the differential tests cannot pin down: HSCAN over large hashes and HRANDFIELD's randomness.</summary>
public sealed class HashCommandTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private RespTestClient _client = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _client = await _node.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _node.DisposeAsync();
    }

    [Fact]
    public async Task Hscan_with_count_10_covers_1000_fields_exactly_once()
    {
        await FillAsync("h", 1000);
        var seen = new Dictionary<string, string>();
        var cursor = "0";
        var calls = 0;
        do
        {
            var reply = await _client.CallAsync("HSCAN", "h", cursor, "COUNT", "10");
            var items = RespText.Bulks(reply);
            cursor = items[0];
            var pairs = RespText.Pairs(items[1..]);
            Assert.InRange(pairs.Count, 1, 10);
            foreach (var (field, value) in pairs)
            {
                Assert.True(seen.TryAdd(field, value), $"{field} returned twice");
            }

            calls++;
        }
        while (cursor != "0" && calls < 1000);

        Assert.Equal(1000, seen.Count);
        Assert.All(seen, pair => Assert.Equal("value:" + pair.Key["field:".Length..], pair.Value));
        Assert.InRange(calls, 100, 101);
    }

    [Fact]
    public async Task Hscan_match_filters_while_walking_every_field()
    {
        await FillAsync("h", 1000);
        var fields = new List<string>();
        var cursor = "0";
        for (var calls = 0; calls < 1000; calls++)
        {
            var items = RespText.Bulks(await _client.CallAsync("HSCAN", "h", cursor, "MATCH", "field:*7", "COUNT", "50"));
            cursor = items[0];
            fields.AddRange(RespText.Pairs(items[1..]).Select(p => p.Field));
            if (cursor == "0")
            {
                break;
            }
        }

        Assert.Equal("0", cursor);
        var expected = Enumerable.Range(0, 1000).Where(i => i % 10 == 7).Select(i => "field:" + i).Order(StringComparer.Ordinal);
        Assert.Equal(expected, fields.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Hscan_returns_fields_that_live_through_the_scan_despite_deletes_and_adds()
    {
        await FillAsync("h", 200);
        var seen = new HashSet<string>();
        var cursor = "0";
        var round = 0;
        do
        {
            var items = RespText.Bulks(await _client.CallAsync("HSCAN", "h", cursor, "COUNT", "10"));
            cursor = items[0];
            seen.UnionWith(RespText.Pairs(items[1..]).Select(p => p.Field));

            // Churn between calls: drop an odd field, add a new one (which may reuse its slot).
            Assert.Equal(":1\r\n", await _client.CallAsync("HDEL", "h", "field:" + ((2 * round) + 1)));
            Assert.Equal(":1\r\n", await _client.CallAsync("HSET", "h", "new:" + round, "x"));
            round++;
        }
        while (cursor != "0" && round < 1000);

        Assert.Equal("0", cursor);
        for (var i = 2 * round; i < 200; i++)
        {
            Assert.Contains("field:" + i, seen);
        }

        for (var i = 0; i < 200; i += 2)
        {
            Assert.Contains("field:" + i, seen);
        }
    }

    [Fact]
    public async Task A_growing_hash_keeps_every_field_and_counter()
    {
        for (var i = 0; i < 600; i++)
        {
            Assert.Equal(":1\r\n", await _client.CallAsync("HINCRBY", "counters", "c" + i, "1"));
        }

        Assert.Equal(":600\r\n", await _client.CallAsync("HLEN", "counters"));
        Assert.Equal(":2\r\n", await _client.CallAsync("HINCRBY", "counters", "c0", "1"));
        Assert.Equal(":2\r\n", await _client.CallAsync("HINCRBY", "counters", "c599", "1"));
        Assert.Equal("$1\r\n1\r\n", await _client.CallAsync("HGET", "counters", "c300"));
        Assert.Equal(":1\r\n", await _client.CallAsync("HSETNX", "counters", "fresh", "v"));
        Assert.Equal(":601\r\n", await _client.CallAsync("HLEN", "counters"));
    }

    [Fact]
    public async Task Hrandfield_with_positive_count_returns_distinct_fields()
    {
        await FillAsync("h", 10);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var reply = await _client.CallAsync("HRANDFIELD", "h", "4");
            Assert.StartsWith("*4\r\n", reply, StringComparison.Ordinal);
            var fields = RespText.Bulks(reply);
            Assert.Equal(4, fields.Distinct().Count());
            Assert.All(fields, f => Assert.Matches("^field:[0-9]$", f));
        }
    }

    [Fact]
    public async Task Hrandfield_with_negative_count_repeats_and_withvalues_pairs_match()
    {
        await FillAsync("h", 3);
        var reply = await _client.CallAsync("HRANDFIELD", "h", "-50", "WITHVALUES");
        Assert.StartsWith("*100\r\n", reply, StringComparison.Ordinal);
        var pairs = RespText.Pairs(RespText.Bulks(reply));
        Assert.Equal(50, pairs.Count);
        Assert.All(pairs, p => Assert.Equal("value:" + p.Field["field:".Length..], p.Value));

        // 50 picks from 3 fields: every field shows up (failure odds ~3 * (2/3)^50).
        Assert.Equal(3, pairs.Select(p => p.Field).Distinct().Count());
    }

    [Fact]
    public async Task Hrandfield_withvalues_in_resp3_replies_pairs_as_arrays()
    {
        await FillAsync("h", 5);
        await _client.CallAsync("HELLO", "3");
        var reply = await _client.CallAsync("HRANDFIELD", "h", "2", "WITHVALUES");
        Assert.Matches(@"^\*2\r\n\*2\r\n\$7\r\nfield:(\d)\r\n\$7\r\nvalue:\1\r\n\*2\r\n\$7\r\nfield:(\d)\r\n\$7\r\nvalue:\2\r\n$", reply);
        Assert.Equal(2, RespText.Bulks(reply).Where((_, i) => i % 2 == 0).Distinct().Count());
    }

    [Fact]
    public async Task Hrandfield_finds_the_last_field_of_a_sparse_hash()
    {
        await FillAsync("h", 1000);
        var fields = Enumerable.Range(0, 1000).Where(i => i != 777).Select(i => "field:" + i);
        Assert.Equal(":999\r\n", await _client.CallAsync(["HDEL", "h", .. fields]));
        Assert.Equal("$9\r\nfield:777\r\n", await _client.CallAsync("HRANDFIELD", "h"));
        Assert.Equal("*3\r\n$9\r\nfield:777\r\n$9\r\nfield:777\r\n$9\r\nfield:777\r\n", await _client.CallAsync("HRANDFIELD", "h", "-3"));
        Assert.Equal("*2\r\n$9\r\nfield:777\r\n$9\r\nvalue:777\r\n", await _client.CallAsync("HRANDFIELD", "h", "5", "WITHVALUES"));
        Assert.Equal("*2\r\n$1\r\n0\r\n*2\r\n$9\r\nfield:777\r\n$9\r\nvalue:777\r\n", await _client.CallAsync("HSCAN", "h", "0"));
    }

    [Fact]
    public async Task Aspnet_redis_cache_entries_round_trip()
    {
        Assert.Equal(":3\r\n", await _client.CallAsync("HSET", "app:k", "absexp", "-1", "sldexp", "-1", "data", "payload"));
        Assert.Equal("*3\r\n$2\r\n-1\r\n$2\r\n-1\r\n$7\r\npayload\r\n", await _client.CallAsync("HMGET", "app:k", "absexp", "sldexp", "data"));
        Assert.Equal("*2\r\n$2\r\n-1\r\n$2\r\n-1\r\n", await _client.CallAsync("HMGET", "app:k", "absexp", "sldexp"));
        Assert.Equal(":0\r\n", await _client.CallAsync("HSET", "app:k", "absexp", "5", "sldexp", "6", "data", "new"));
        Assert.Equal("*3\r\n$1\r\n5\r\n$1\r\n6\r\n$3\r\nnew\r\n", await _client.CallAsync("HMGET", "app:k", "absexp", "sldexp", "data"));
    }

    private async Task FillAsync(string key, int count)
    {
        var args = new List<string> { "HSET", key };
        for (var i = 0; i < count; i++)
        {
            args.Add("field:" + i);
            args.Add("value:" + i);
        }

        Assert.Equal($":{count}\r\n", await _client.CallAsync([.. args]));
    }
}
