using System.Text;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Compatibility;

/// <summary>
/// KEYS and SCAN against redis-server. Key order differs between the servers, so scripts
/// either hold one matching key or compare the returned keys as sorted sets.
/// </summary>
public sealed partial class KeyDifferentialTests
{
    private static readonly string[] GlobKeys =
    [
        "a", "b", "c", "z", "A", "Z", "ab", "abc", "abcd", "aXc", "a-c", "a]c", "a^c", "a\\c", "a*c", "a?c", "a[c", "hello", "hallo",
        "hxllo", "hllo", "heeeello", "user:1", "user:2", "user:10", "user:1:name", "é", "-", "]", "^", "[", "\\", "*", "?",
        "aaaaaaaaaaaaaaaaaaaaaaaaab", "aaaaaaaaaaaaaaaaaaaaaaaaaa", "", " ",
    ];

    private static readonly string[] GlobPatterns =
    [
        "*", "**", "***", "?", "??", "?*", "*?", "a*", "*c", "a*c", "a?c", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo",
        "[a-c]", "[c-a]", "[^a-c]", "[abc", "[a-", "[a-]", "[]", "[^]", "[]]", "a[]]c", "a[\\]]c", "a[\\^]c", "a[\\-]c", "a[-]c",
        "a[\\\\]c", "a\\*c", "a\\?c", "a\\[c", "a\\", "\\", "\\\\", "\\a", "user:*", "user:?", "user:[0-9]", "user:[0-9]*",
        "user:*:name", "*:*", "[A-Z]", "[a-Z]", "[Z-a]", "[a-é]", "[é]", "é", "[\\é]", "[^é]", "*a*a*a*a*a*a*a*a*b",
        "*a*a*a*a*a*a*a*a*", "a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", "", " ", "[ ]", "*[", "*[^", "[[]",
        "^", "-", "[-]", "[--]", "[\\", "[\\a", "*\\", "?\\*", "h*l*o", "*e*e*e*e*", "[!a]", "[a-c-e]",
    ];

    [Fact]
    public Task Keys_with_one_key_match_redis() => redis.AssertSameAsync(
        "KEYS *", "SET user:1 v", "KEYS *", "KEYS user:*", "KEYS user:?", "KEYS user:[0-9]", "KEYS user:[^0-9]", "KEYS nope*",
        "KEYS user\\:1", "PEXPIREAT user:1 1", "KEYS *");

    [Fact]
    public async Task Keys_patterns_select_the_same_keys_as_redis()
    {
        var setup = GlobKeys.Select(k => new[] { "SET", k, "v" });
        var queries = GlobPatterns.Select(p => new[] { "KEYS", p });
        await AssertSameKeySetsAsync([.. setup, .. queries], setup.Count(), scan: false);
    }

    [Fact]
    public async Task Scan_match_selects_the_same_keys_as_redis()
    {
        var setup = GlobKeys.Select(k => new[] { "SET", k, "v" });
        var queries = GlobPatterns.Select(p => new[] { "SCAN", "0", "MATCH", p, "COUNT", "1000" });
        await AssertSameKeySetsAsync([.. setup, .. queries], setup.Count(), scan: true);
    }

    [Fact]
    public async Task Full_scans_return_the_same_keys_as_redis()
    {
        string[][] setup = [.. Enumerable.Range(0, 300).Select(i => new[] { "SET", $"key:{i}", "v" })];
        var ours = await ScanAllAsync(redis.Node.Port, setup);
        var theirs = await ScanAllAsync(redis.Redis.Port, setup);
        Assert.Equal(300, theirs.Count);
        Assert.Equal(theirs.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
    }

    [Fact]
    public Task Scan_of_empty_and_single_key_databases() => redis.AssertSameAsync(
        ["SCAN", "0"], ["SCAN", "-1"], ["SCAN", "+0"], ["SCAN", ""], ["SET", "k", "v"], ["SCAN", "0"], ["SCAN", "0", "COUNT", "5"],
        ["SCAN", "0", "MATCH", "k*"], ["SCAN", "0", "MATCH", "x*"], ["SCAN", "0", "MATCH", "*"], ["SCAN", "0", "TYPE", "string"],
        ["SCAN", "0", "TYPE", "STRING"], ["SCAN", "0", "type", "hash"], ["SCAN", "0", "TYPE", "nosuch"],
        ["SCAN", "0", "COUNT", "5", "MATCH", "*", "TYPE", "string"], ["SCAN", "0", "MATCH", "x*", "MATCH", "k"],
        ["SCAN", "0", "COUNT", "9223372036854775807"], ["PEXPIREAT", "k", "1"], ["SCAN", "0"]);

    [Fact]
    public Task Scan_errors_match_redis() => redis.AssertSameAsync(
        ["SCAN", "abc"], ["SCAN", "1.5"], ["SCAN", " 0"], ["SCAN", "0 "], ["SCAN", "-"], ["SCAN", "+"], ["SCAN", "0x10"],
        ["SCAN", "18446744073709551616"], ["SCAN", "99999999999999999999999"], ["SCAN", "abc", "COUNT", "0"],
        ["SCAN", "0", "COUNT", "0"], ["SCAN", "0", "COUNT", "-1"], ["SCAN", "0", "COUNT", "x"], ["SCAN", "0", "COUNT"],
        ["SCAN", "0", "MATCH"], ["SCAN", "0", "TYPE"], ["SCAN", "0", "BOGUS", "x"], ["SCAN", "0", "COUNT", "0", "BOGUS"],
        ["SCAN", "0", "BOGUS", "x", "COUNT", "0"], ["SCAN", "0", "COUNT", "1.0"], ["SCAN", "0", "COUNT", "99999999999999999999"],
        ["SCAN", "18446744073709551615"], ["SCAN", "-18446744073709551615"]);

    [Fact]
    public Task Empty_key_name_and_stars_match_redis() => redis.AssertSameAsync(
        ["SET", "", "v"], ["KEYS", "*"], ["KEYS", "**"], ["KEYS", ""], ["KEYS", "?"], ["SCAN", "0", "MATCH", "**"],
        ["SCAN", "0", "MATCH", "*"], ["SCAN", "0", "MATCH", ""], ["TYPE", ""], ["EXISTS", ""], ["RENAME", "", "x"], ["KEYS", "*"]);

    /// <summary>Runs the script on both servers and compares the keys of each query reply (after <paramref name="skip"/> setup commands) as sorted sets.</summary>
    private async Task AssertSameKeySetsAsync(string[][] script, int skip, bool scan)
    {
        var ours = await DifferentialFixture.RunAsync(redis.Node.Port, script);
        var theirs = await DifferentialFixture.RunAsync(redis.Redis.Port, script);
        var report = new StringBuilder();
        for (var i = 0; i < script.Length; i++)
        {
            var expected = i < skip ? theirs[i] : Sorted(theirs[i], scan);
            var actual = i < skip ? ours[i] : Sorted(ours[i], scan);
            if (expected != actual)
            {
                report.Append(string.Join(' ', script[i])).Append(": redis [").Append(expected).Append("] ours [").Append(actual).AppendLine("]");
            }
        }

        Assert.True(report.Length == 0, "Key sets differ from redis-server:\n" + report);
    }

    private static async Task<List<string>> ScanAllAsync(int port, string[][] setup)
    {
        await using var client = await RespTestClient.ConnectAsync(port);
        Assert.Equal("+OK\r\n", await client.CallAsync("FLUSHALL"));
        foreach (var command in setup)
        {
            await client.CallAsync(command);
        }

        var keys = new List<string>();
        var cursor = "0";
        var calls = 0;
        do
        {
            (cursor, var batch) = ParseScanReply(await client.CallAsync("SCAN", cursor, "COUNT", "7"));
            keys.AddRange(batch);
            Assert.True(++calls < 10_000, "SCAN never finished");
        }
        while (cursor != "0");

        return keys;
    }

    /// <summary>Splits a SCAN reply into its cursor and keys (test keys hold no CR or LF).</summary>
    internal static (string Cursor, List<string> Keys) ParseScanReply(string reply)
    {
        var lines = reply.Split("\r\n");
        Assert.Equal("*2", lines[0]);
        return (lines[2], BulkStrings(lines.AsSpan(3)));
    }

    /// <summary>A KEYS or SCAN reply with its keys sorted (a SCAN's cursor first); an error as it is.</summary>
    private static string Sorted(string reply, bool scan)
    {
        if (!reply.StartsWith('*'))
        {
            return reply;
        }

        var (cursor, keys) = scan ? ParseScanReply(reply) : ("", BulkStrings(reply.Split("\r\n")));
        keys.Sort(StringComparer.Ordinal);
        return cursor + "|" + string.Join(",", keys);
    }

    private static List<string> BulkStrings(ReadOnlySpan<string> lines)
    {
        if (!lines[0].StartsWith('*'))
        {
            return [lines[0]];
        }

        var count = int.Parse(lines[0].AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        var keys = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            keys.Add(lines[2 + (2 * i)]);
        }

        return keys;
    }
}
