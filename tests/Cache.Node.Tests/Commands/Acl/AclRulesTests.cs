using Cache.Node.Commands;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Commands.Acl;

/// <summary>The rule parser (AclRules.TryParse, the fuzz entry point) and the selector checks, without a server.</summary>
public sealed class AclRulesTests
{
    private static readonly CommandTable Table = CommandTable.CreateDefault();

    [Theory]
    [InlineData("bogus", "Syntax error")]
    [InlineData("+nosuchcommand", "Unknown command or category name in ACL")]
    [InlineData("+@nosuchcategory", "Unknown command or category name in ACL")]
    [InlineData("+config|nosuch", "Unknown command or category name in ACL")]
    [InlineData("+config|get|appendonly", "Allowing first-arg of a subcommand is not supported")]
    [InlineData("#abc", "The password hash must be exactly 64 characters and contain only lowercase hexadecimal characters")]
    [InlineData("<never-set", "The password you are trying to remove from the user does not exist")]
    [InlineData("%X~key", "Syntax error")]
    [InlineData("%R", "Syntax error")]
    public void Refused_rules_give_redis_reasons(string rule, string reason)
    {
        Assert.False(AclRules.TryParse([rule], out var user, out var error));
        Assert.Null(user);
        Assert.Equal(reason, error);
    }

    [Fact]
    public void A_pattern_after_allkeys_is_refused_and_an_unclosed_selector_too()
    {
        Assert.False(AclRules.TryParse(["allkeys", "~foo"], out _, out var error));
        Assert.StartsWith("Adding a pattern after the * pattern (or the 'allkeys' flag)", error);
        Assert.False(AclRules.TryParse(["allchannels", "&foo"], out _, out error));
        Assert.StartsWith("Adding a pattern after the * pattern (or the 'allchannels' flag)", error);
        Assert.False(AclRules.TryParse(["(+get", "~x"], out _, out error));
        Assert.Equal("Unmatched parenthesis in acl selector starting at '(+get'.", error);
    }

    [Fact]
    public void Passwords_are_kept_as_sha256_and_hash_rules_take_that_form()
    {
        Assert.True(AclRules.TryParse(["on", ">secret"], out var user, out _));
        var hash = Assert.Single(user!.Passwords);
        Assert.Equal("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b", hash);
        Assert.True(user.CheckPassword("secret"u8));
        Assert.False(user.CheckPassword("Secret"u8));
        Assert.True(AclRules.TryParse(["#" + hash, "!" + hash], out user, out _));
        Assert.Empty(user!.Passwords);
        Assert.True(AclRules.TryParse([">a", "nopass"], out user, out _));
        Assert.True(user!.NoPass && user.Passwords.Count == 0 && user.CheckPassword("anything"u8));
        Assert.True(AclRules.TryParse(["nopass", "resetpass"], out user, out _));
        Assert.False(user!.CheckPassword(""u8));
    }

    [Fact]
    public void Commands_categories_and_subcommands_decide_which_commands_run()
    {
        Assert.True(AclRules.TryParse(["allkeys", "+@read", "-@dangerous", "+set", "+config", "-config|set"], out var user, out _));
        Assert.Equal(AclResult.Ok, Check(user!, "GET", "k"));
        Assert.Equal(AclResult.Ok, Check(user!, "SET", "k", "v"));
        Assert.Equal(AclResult.DeniedCommand, Check(user!, "DEL", "k"));
        Assert.Equal(AclResult.DeniedCommand, Check(user!, "KEYS", "*"));
        Assert.Equal(AclResult.Ok, Check(user!, "CONFIG", "GET", "maxmemory"));
        Assert.Equal(AclResult.DeniedCommand, Check(user!, "CONFIG", "SET", "maxmemory", "1"));
        Assert.Equal("-@all +@read -@dangerous +set +config -config|set", user!.Root.CommandRules);

        // AUTH and HELLO need no permission, as in Redis.
        Assert.True(AclRules.TryParse(["nocommands"], out user, out _));
        Assert.Equal(AclResult.Ok, Check(user!, "AUTH", "u", "p"));
        Assert.Equal(AclResult.DeniedCommand, Check(user!, "PING"));

        Assert.True(AclRules.TryParse(["-@all", "+select|0"], out user, out _));
        Assert.Equal(AclResult.Ok, Check(user!, "SELECT", "0"));
        Assert.Equal(AclResult.DeniedCommand, Check(user!, "SELECT", "1"));
    }

    [Fact]
    public void Key_patterns_check_reads_and_writes_separately()
    {
        Assert.True(AclRules.TryParse(["+@all", "~app:*", "%R~ro:*", "%W~wo:*"], out var user, out _));
        Assert.Equal(AclResult.Ok, Check(user!, "SET", "app:1", "v"));
        Assert.Equal(AclResult.DeniedKey, Check(user!, "SET", "other", "v"));
        Assert.Equal(AclResult.Ok, Check(user!, "GET", "ro:1"));
        Assert.Equal(AclResult.DeniedKey, Check(user!, "SET", "ro:1", "v"));
        Assert.Equal(AclResult.Ok, Check(user!, "SET", "wo:1", "v"));
        Assert.Equal(AclResult.DeniedKey, Check(user!, "GET", "wo:1"));
        Assert.Equal(AclResult.DeniedKey, Check(user!, "MGET", "app:1", "other"));
        Assert.Equal("~app:* %R~ro:* %W~wo:*", AclUser.DescribeKeys(user!.Root));
        Assert.False(user.Unrestricted);
    }

    [Fact]
    public void Channel_patterns_match_channels_and_psubscribe_patterns_literally()
    {
        Assert.True(AclRules.TryParse(["+@all", "allkeys", "&news.*"], out var user, out _));
        Assert.Equal(AclResult.Ok, Check(user!, "PUBLISH", "news.sport", "m"));
        Assert.Equal(AclResult.DeniedChannel, Check(user!, "PUBLISH", "weather", "m"));
        Assert.Equal(AclResult.Ok, Check(user!, "PSUBSCRIBE", "news.*"));
        Assert.Equal(AclResult.DeniedChannel, Check(user!, "PSUBSCRIBE", "news.s*"));
        Assert.Equal(AclResult.DeniedChannel, Check(user!, "SUBSCRIBE", "news.a", "x"));
    }

    [Fact]
    public void A_selector_allows_what_the_root_does_not()
    {
        Assert.True(AclRules.TryParse(["+get", "~a*", "(+set ~b*)"], out var user, out _));
        Assert.Equal(AclResult.Ok, Check(user!, "GET", "a1"));
        Assert.Equal(AclResult.Ok, Check(user!, "SET", "b1", "v"));
        Assert.Equal(AclResult.DeniedKey, Check(user!, "GET", "b1"));
        Assert.Equal(AclResult.DeniedCommand, Check(user!, "DEL", "a1"));
        Assert.True(AclRules.TryParse(["+get", "(+set", "~b*)", "clearselectors"], out user, out _));
        Assert.Empty(user!.Selectors);
    }

    [Fact]
    public void A_user_describes_itself_as_acl_list_does()
    {
        Assert.True(AclRules.TryParse(["on", "nopass", "~k*", "&c", "+get", "(+set ~x)"], out var user, out _));
        Assert.Equal("user fuzz on nopass ~k* resetchannels &c -@all +get (~x resetchannels -@all +set)", user!.Describe());
    }

    private static AclResult Check(AclUser user, params string[] args)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(string.Concat(args));
        var ranges = new ArgRange[args.Length];
        for (int i = 0, offset = 0; i < args.Length; offset += args[i].Length, i++)
        {
            ranges[i] = new ArgRange(offset, args[i].Length);
        }

        var request = new RespRequest(bytes, ranges);
        var command = Table.Find(request[0])!;
        if (command.SubCommands is not null && request.Count > 1)
        {
            command = command.SubCommands.Find(request[1])!;
        }

        return user.Check(command, request, out _);
    }
}
