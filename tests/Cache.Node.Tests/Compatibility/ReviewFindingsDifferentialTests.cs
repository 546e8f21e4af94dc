using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>Differences a differential fuzzer found once, kept as regressions against redis-server.</summary>
[Collection(DifferentialCollection.Name)]
public sealed class ReviewFindingsDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Floats_with_a_nul_byte_are_not_floats() => redis.AssertSameAsync(
        ["SET", "a", "5\0"], ["INCRBYFLOAT", "a", "1"], ["SET", "b", "1"], ["INCRBYFLOAT", "b", "2\0junk"], ["GET", "b"],
        ["SETRANGE", "k", "5", "42"], ["INCRBYFLOAT", "k", "0.3"], ["HSET", "h", "f", "5\0"], ["HINCRBYFLOAT", "h", "f", "1"],
        ["HINCRBYFLOAT", "h", "g", "1\0"]);

    [Fact]
    public Task Auth_is_queued_inside_multi() => redis.AssertSameAsync(["MULTI"], ["AUTH", "x"], ["SET", "k", "v"], ["EXEC"], ["GET", "k"]);

    [Fact]
    public Task Select_out_of_int_range_says_so() => redis.AssertSameAsync(["SELECT", "9999999999999"], ["SELECT", "-9999999999999"], ["SELECT", "x"]);

    [Fact]
    public Task Unknown_command_errors_keep_raw_bytes_and_stop_at_nul() => redis.AssertSameAsync(
        ["NOSUCH", "\u00ff\u00fe"], ["NOSUCH", "\0ab"], ["NO\0SUCH", "x"], ["CLIENT", "N\u00e9"]);
}
