using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

[Collection(DifferentialCollection.Name)]
public sealed class StringDifferentialTests(DifferentialFixture redis)
{
    [Fact]
    public Task Set_and_get_match_redis() => redis.AssertSameAsync(
        "SET k v", "GET k", "GET missing", "SET k v2 NX", "SET k v3 XX", "GET k", "SET n v NX GET", "SET k new GET", "GET k");

    [Fact]
    public Task Set_option_errors_match_redis() => redis.AssertSameAsync(
        "SET k v NX XX", "SET k v EX 10 PX 100", "SET k v EX", "SET k v EX abc", "SET k v EX 0", "SET k v PX -5",
        "SET k v KEEPTTL EX 5", "SET k v BOGUS", "SET k v EX 9223372036854775807", "SET k", "GET");

    [Fact]
    public Task Unknown_commands_and_arity_match_redis() => redis.AssertSameAsync(
        "NOSUCH a b c", "nosuch", "GET a b", "PING a b", "SELECT x", "SELECT 0", "ECHO", "ECHO hi");
}
