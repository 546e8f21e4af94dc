using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// APPEND, SETRANGE and LCS against proto-max-bulk-len, with both servers set to its 1mb minimum so
/// the limit can be reached without half a gigabyte of data.
/// </summary>
public sealed class StringSizeLimitDifferentialTests
{
    private const int Limit = 1024 * 1024;

    [Fact]
    public async Task Growing_a_string_past_proto_max_bulk_len_fails_like_redis()
    {
        string[][] script =
        [
            ["SET", "k", new string('a', Limit - 1)],
            ["APPEND", "k", "b"],
            ["APPEND", "k", "c"],
            ["APPEND", "k", ""],
            ["STRLEN", "k"],
            ["SETRANGE", "k", (Limit - 1).ToString(), "x"],
            ["SETRANGE", "k", Limit.ToString(), "x"],
            ["SETRANGE", "k", (Limit - 1).ToString(), "xy"],
            ["GETRANGE", "k", "-3", "-1"],
            ["SETRANGE", "n", (Limit - 1).ToString(), "y"],
            ["STRLEN", "n"],
            ["SETRANGE", "m", (Limit - 2).ToString(), "xyz"],
            ["SETRANGE", "m", Limit.ToString(), ""],
            ["STRLEN", "m"],
            ["APPEND", "fresh", new string('z', Limit)],
            ["APPEND", "fresh", "z"],
            ["STRLEN", "fresh"],

            // LCS refuses a table of (len1+1)*(len2+1) four-byte cells larger than the limit.
            ["MSET", "a", new string('a', 512), "b", new string('a', 512)],
            ["LCS", "a", "b", "LEN"],
            ["MSET", "a", new string('a', 511), "b", new string('a', 511)],
            ["LCS", "a", "b", "LEN"],
        ];

        await using var node = await TestNode.StartAsync(o => o.ProtoMaxBulkLen = "1mb");
        await using var redis = await RedisServerProcess.StartAsync("--proto-max-bulk-len", "1mb");
        var ours = await DifferentialFixture.RunAsync(node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Port, script);
        Assert.Equal(theirs, ours);
        Assert.Equal("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n", ours[2]);
        Assert.Equal(":511\r\n", ours[^1]);
    }
}
