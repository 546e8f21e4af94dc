using System.Text;
using Cache.Node.Commands;

namespace Cache.Node.Tests.Commands;

/// <summary>Glob matching with Redis' stringmatchlen rules, quirks included.</summary>
public sealed class GlobTests
{
    [Theory]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("a", "", false)]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "abd", false)]
    [InlineData("abc", "ab", false)]
    [InlineData("ab", "abc", false)]
    [InlineData("?", "a", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "ab", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a??", "ab", false)]
    public void Literals_and_question_marks(string pattern, string text, bool expected) => Check(pattern, text, expected);

    [Theory]
    [InlineData("*", "", true)]           // the lone star matches everything: callers special-case it
    [InlineData("*", "anything", true)]
    [InlineData("**", "", false)]         // Redis: an empty string only matches an empty pattern
    [InlineData("**", "x", true)]
    [InlineData("a*", "a", true)]
    [InlineData("a*", "abc", true)]
    [InlineData("a*", "ba", false)]
    [InlineData("*a", "ba", true)]
    [InlineData("*a", "ab", false)]
    [InlineData("a*c", "ac", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abbbcd", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxcyyb", false)]
    [InlineData("*:*", "user:1", true)]
    [InlineData("*:*", "user", false)]
    [InlineData("a***b", "ab", true)]
    [InlineData("a*b", "abab", true)]
    [InlineData("*ab", "aab", true)]
    [InlineData("*?", "", false)]
    [InlineData("*?", "a", true)]
    [InlineData("?*?", "a", false)]
    [InlineData("?*?", "ab", true)]
    [InlineData("h*l*o", "hello", true)]
    [InlineData("*e*e*e*", "heeeello", true)]
    [InlineData("*e*e*e*e*e*", "heeeello", false)]
    public void Stars(string pattern, string text, bool expected) => Check(pattern, text, expected);

    [Theory]
    [InlineData("[abc]", "b", true)]
    [InlineData("[abc]", "d", false)]
    [InlineData("[abc]", "", false)]
    [InlineData("[abc]", "ab", false)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("[a-c]", "b", true)]
    [InlineData("[a-c]", "d", false)]
    [InlineData("[c-a]", "b", true)]      // reversed ranges are swapped
    [InlineData("[0-9]x", "7x", true)]
    [InlineData("[a-c-e]", "-", true)]    // after a range, "-e" is a literal '-' then 'e'
    [InlineData("[a-c-e]", "d", false)]
    [InlineData("[a-]", "]", true)]       // "a-]" is a range to ']', leaving the class unterminated
    [InlineData("[a-]", "-", false)]
    [InlineData("[a-]", "b", false)]
    [InlineData("[-]", "-", true)]
    [InlineData("[]", "a", false)]        // an empty class matches nothing
    [InlineData("[]]", "]", false)]       // ']' first closes the class; then a literal ']' follows
    [InlineData("[]]", "]]", false)]
    [InlineData("[abc", "b", true)]       // an unterminated class runs to the end of the pattern
    [InlineData("[abc", "bc", false)]
    [InlineData("[[]", "[", true)]
    [InlineData("[A-Z]", "Q", true)]
    [InlineData("[A-Z]", "q", false)]
    public void Classes_and_ranges(string pattern, string text, bool expected) => Check(pattern, text, expected);

    [Theory]
    [InlineData("[^abc]", "d", true)]
    [InlineData("[^abc]", "a", false)]
    [InlineData("[^a-c]x", "zx", true)]
    [InlineData("[^a-c]x", "bx", false)]
    [InlineData("[^]", "z", true)]        // a negated empty class matches any one character
    [InlineData("[^]", "", false)]
    [InlineData("[!a]", "b", false)]      // '!' is not negation in Redis, just a member
    [InlineData("[!a]", "!", true)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    public void Negation(string pattern, string text, bool expected) => Check(pattern, text, expected);

    [Theory]
    [InlineData("a\\*c", "a*c", true)]
    [InlineData("a\\*c", "abc", false)]
    [InlineData("a\\?c", "a?c", true)]
    [InlineData("a\\?c", "abc", false)]
    [InlineData("\\[a]", "[a]", true)]
    [InlineData("\\a", "a", true)]
    [InlineData("\\\\", "\\", true)]
    [InlineData("\\", "\\", true)]         // a trailing backslash is itself
    [InlineData("a\\", "a\\", true)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("[\\^]", "^", true)]
    [InlineData("[\\-]", "-", true)]
    [InlineData("[\\-]", "\\", false)]
    [InlineData("[\\", "\\", true)]        // a class's trailing backslash is a literal member
    [InlineData("[\\a-c]", "b", false)]     // the escaped 'a' is a member, "-c" are literals
    [InlineData("[\\a-c]", "-", true)]
    [InlineData("*\\*", "abc*", true)]
    [InlineData("*\\*", "abc", false)]
    public void Escapes(string pattern, string text, bool expected) => Check(pattern, text, expected);

    [Fact]
    public void Range_ends_compare_as_signed_chars_like_redis()
    {
        // 0x01-0xFF is the signed range -1..1, which excludes 'a' and 0xE9.
        Assert.False(Glob.IsMatch([(byte)'[', 0x01, (byte)'-', 0xFF, (byte)']'], "a"u8));
        Assert.False(Glob.IsMatch([(byte)'[', 0x01, (byte)'-', 0xFF, (byte)']'], [0xE9]));
        Assert.True(Glob.IsMatch([(byte)'[', 0x01, (byte)'-', 0xFF, (byte)']'], [0x00]));
        Assert.True(Glob.IsMatch([(byte)'[', 0x80, (byte)'-', 0xFF, (byte)']'], [0xE9]));
        Assert.True(Glob.IsMatch([(byte)'[', (byte)'a', (byte)'-', 0xC3, (byte)']'], "Z"u8));
        Assert.False(Glob.IsMatch([(byte)'[', (byte)'a', (byte)'-', 0xC3, (byte)']'], "b"u8));
        Assert.True(Glob.IsMatch([(byte)'[', (byte)'^', (byte)'a', (byte)']'], [0xE9]));
        Assert.True(Glob.IsMatch([(byte)'?'], [0xE9]));
    }

    [Fact]
    public void Ignore_case_applies_to_literals_and_ranges_but_not_escaped_class_members()
    {
        Assert.True(Glob.IsMatch("MaxMemory*"u8, "maxmemory-policy"u8, ignoreCase: true));
        Assert.False(Glob.IsMatch("MaxMemory*"u8, "maxmemory-policy"u8));
        Assert.True(Glob.IsMatch("[A-C]"u8, "b"u8, ignoreCase: true));
        Assert.True(Glob.IsMatch("[abc]"u8, "B"u8, ignoreCase: true));
        Assert.True(Glob.IsMatch("\\A"u8, "a"u8, ignoreCase: true));
        Assert.False(Glob.IsMatch("[\\A]"u8, "a"u8, ignoreCase: true));
        Assert.True(Glob.IsMatch("[^A]"u8, "b"u8, ignoreCase: true));
        Assert.False(Glob.IsMatch("[^A]"u8, "a"u8, ignoreCase: true));
    }

    [Fact]
    public async Task Many_stars_on_a_long_text_take_linear_time_per_star()
    {
        var text = new byte[200_000];
        text.AsSpan().Fill((byte)'a');
        var work = Task.Run(() =>
        {
            var misses = Glob.IsMatch("*a*a*a*a*a*a*a*a*b"u8, text);
            var hits = Glob.IsMatch("*a*a*a*a*a*a*a*a*a"u8, text);
            var many = Glob.IsMatch(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*a", 200)) + "*b"), text.AsSpan(0, 2_000));
            return (misses, hits, many);
        });

        // Exponential backtracking would never finish; the linear scan is milliseconds.
        var (misses, hits, many) = await work.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(misses);
        Assert.True(hits);
        Assert.False(many);
    }

    [Fact]
    public void Past_a_thousand_star_groups_nothing_matches_as_in_redis()
    {
        var text = Encoding.UTF8.GetBytes(new string('a', 1001));
        Assert.True(Glob.IsMatch(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("*a", 1000))), text));
        Assert.False(Glob.IsMatch(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("*a", 1001))), text));
        // A trailing star group is not nested: it matches the rest at once.
        Assert.True(Glob.IsMatch(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("*a", 1000)) + "*"), text));
        // CVE-2024-31228's shape: linear work, and no match.
        Assert.False(Glob.IsMatch(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("*?", 50_000))), Encoding.UTF8.GetBytes(new string('a', 50_000))));
    }

    private static void Check(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Glob.IsMatch(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(text)));
}
