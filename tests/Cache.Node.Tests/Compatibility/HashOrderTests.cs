using Cache.Node.Tests.Commands;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// Multi-field listings against redis-server, compared as sorted sets of fields (and pairs):
/// field order is an implementation detail that legitimately differs.
/// </summary>
[Collection(DifferentialCollection.Name)]
public sealed class HashOrderTests(DifferentialFixture redis)
{
    [Fact]
    public async Task Listings_hold_the_same_fields_as_redis()
    {
        string[][] script =
        [
            ["HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4"], ["HDEL", "h", "b"], ["HSET", "h", "e", "5", "b", "6"],
            ["HGETALL", "h"], ["HKEYS", "h"], ["HVALS", "h"], ["HRANDFIELD", "h", "10"], ["HRANDFIELD", "h", "5", "WITHVALUES"],
            ["HSCAN", "h", "0", "COUNT", "100"], ["HMGET", "h", "a", "b", "c", "d", "e"],
        ];
        var (ours, theirs) = await RunBothAsync(script);
        for (var i = 3; i < script.Length; i++)
        {
            AssertSameSorted(script[i], theirs[i], ours[i]);
        }

        Assert.Equal(["1", "6", "3", "4", "5"], RespText.Bulks(ours[^1]));
    }

    [Fact]
    public async Task A_large_hash_holds_the_same_fields_as_redis()
    {
        // Past Redis' listpack limits (128 fields, 64-byte values), so it uses a real hash table too.
        var hset = new List<string> { "HSET", "big" };
        for (var i = 0; i < 300; i++)
        {
            hset.Add("field:" + i);
            hset.Add(i % 7 == 0 ? new string('v', 100) + i : "v" + i);
        }

        string[][] script = [[.. hset], ["HDEL", "big", "field:3", "field:299"], ["HGETALL", "big"], ["HKEYS", "big"], ["HVALS", "big"], ["HLEN", "big"]];
        var (ours, theirs) = await RunBothAsync(script);
        Assert.Equal(theirs[0], ours[0]);
        Assert.Equal(theirs[1], ours[1]);
        for (var i = 2; i < 5; i++)
        {
            AssertSameSorted(script[i], theirs[i], ours[i]);
        }

        Assert.Equal(":298\r\n", ours[5]);
        Assert.Equal(theirs[5], ours[5]);
    }

    private async Task<(List<string> Ours, List<string> Theirs)> RunBothAsync(string[][] script) =>
        (await DifferentialFixture.RunAsync(redis.Node.Port, script), await DifferentialFixture.RunAsync(redis.Redis.Port, script));

    private static void AssertSameSorted(string[] command, string theirs, string ours)
    {
        var name = string.Join(' ', command);
        Assert.True(RespText.Header(theirs) == RespText.Header(ours), $"{name}: header redis {RespText.Header(theirs)} ours {RespText.Header(ours)}");
        var pairs = command[0] is "HGETALL" || command[^1] is "WITHVALUES";
        var scan = command[0] is "HSCAN";
        var theirItems = RespText.Bulks(theirs);
        var ourItems = RespText.Bulks(ours);
        if (scan)
        {
            Assert.Equal(theirItems[0], ourItems[0]);
            theirItems.RemoveAt(0);
            ourItems.RemoveAt(0);
            pairs = true;
        }

        if (pairs)
        {
            Assert.Equal(RespText.Pairs(theirItems).Order(), RespText.Pairs(ourItems).Order());
        }
        else
        {
            Assert.Equal(theirItems.Order(StringComparer.Ordinal), ourItems.Order(StringComparer.Ordinal));
        }
    }
}
