using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Commands.Acl;

/// <summary>ACL's sub-commands, AUTH and HELLO with users, NOPERM replies and ACL LOG over a real socket.</summary>
public sealed class AclCommandTests
{
    [Fact]
    public async Task Setuser_getuser_list_users_and_deluser_round_trip()
    {
        await using var node = await TestNode.StartAsync();
        await using var c = await node.ConnectAsync();
        Assert.Equal("$7\r\ndefault\r\n", await c.CallAsync("ACL", "WHOAMI"));
        Assert.Equal("+OK\r\n", await c.CallAsync("ACL", "SETUSER", "alice", "on", ">pw", "~app:*", "+@read", "-@dangerous", "+set"));
        Assert.Equal("*2\r\n$5\r\nalice\r\n$7\r\ndefault\r\n", await c.CallAsync("ACL", "USERS"));
        var list = await c.CallAsync("ACL", "LIST");
        Assert.Contains("user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~app:* resetchannels -@all +@read -@dangerous +set", list);
        Assert.Contains("user default on nopass ~* &* +@all", list);
        var user = await c.CallAsync("ACL", "GETUSER", "alice");
        Assert.StartsWith("*12\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n$9\r\npasswords\r\n*1\r\n", user);
        Assert.Contains("$8\r\ncommands\r\n$29\r\n-@all +@read -@dangerous +set\r\n", user);
        Assert.Equal("$-1\r\n", await c.CallAsync("ACL", "GETUSER", "nobody"));
        Assert.Equal("-ERR Error in ACL SETUSER modifier 'bogus': Syntax error\r\n", await c.CallAsync("ACL", "SETUSER", "bob", "bogus"));
        Assert.Equal("-ERR The 'default' user cannot be removed\r\n", await c.CallAsync("ACL", "DELUSER", "default"));
        Assert.Equal(":1\r\n", await c.CallAsync("ACL", "DELUSER", "alice", "nobody"));
        Assert.Equal("-ERR Unknown category 'nope'\r\n", await c.CallAsync("ACL", "CAT", "nope"));
        Assert.Contains("$10\r\nconfig|get\r\n", await c.CallAsync("ACL", "CAT", "admin"));
        Assert.Matches("^\\$64\r\n[0-9a-f]{64}\r\n$", await c.CallAsync("ACL", "GENPASS"));
        Assert.Equal("$2\r\n", (await c.CallAsync("ACL", "GENPASS", "5"))[..4]);
    }

    [Fact]
    public async Task Auth_with_a_user_then_noperm_as_redis_words_it_and_acl_log_records_it()
    {
        await using var node = await TestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        await admin.CallAsync("ACL", "SETUSER", "app", "on", ">pw", "~key:*", "&chan", "+@all", "-flushall", "-config|set");
        await using var c = await node.ConnectAsync();
        Assert.StartsWith("-WRONGPASS invalid username-password pair or user is disabled.", await c.CallAsync("AUTH", "app", "wrong"));
        Assert.Equal("+OK\r\n", await c.CallAsync("AUTH", "app", "pw"));
        Assert.Equal("$3\r\napp\r\n", await c.CallAsync("ACL", "WHOAMI"));
        Assert.Equal("+OK\r\n", await c.CallAsync("SET", "key:1", "v"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the keys used as arguments\r\n", await c.CallAsync("SET", "other", "v"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'flushall' command\r\n", await c.CallAsync("FLUSHALL"));
        Assert.Equal("-NOPERM this user has no permissions to run the 'config|set' command\r\n", await c.CallAsync("CONFIG", "SET", "hz", "10"));
        Assert.Equal("-NOPERM this user has no permissions to access one of the channels used as arguments\r\n", await c.CallAsync("PUBLISH", "other", "m"));
        Assert.Equal(":0\r\n", await c.CallAsync("PUBLISH", "chan", "m"));
        Assert.Contains("user=app", await c.CallAsync("CLIENT", "INFO"));

        var log = await admin.CallAsync("ACL", "LOG");
        Assert.StartsWith("*5\r\n", log);
        Assert.Contains("$6\r\nreason\r\n$7\r\nchannel\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$5\r\nother\r\n$8\r\nusername\r\n$3\r\napp\r\n", log);
        Assert.Contains("$6\r\nreason\r\n$4\r\nauth\r\n", log);
        await c.CallAsync("SET", "other", "v");
        Assert.Contains("$5\r\ncount\r\n:2\r\n$6\r\nreason\r\n$3\r\nkey\r\n", await admin.CallAsync("ACL", "LOG", "1"));
        Assert.Equal("+OK\r\n", await admin.CallAsync("ACL", "LOG", "RESET"));
        Assert.Equal("*0\r\n", await admin.CallAsync("ACL", "LOG"));

        Assert.Equal("+OK\r\n", await admin.CallAsync("ACL", "DRYRUN", "app", "GET", "key:2"));
        Assert.EndsWith("\r\nThis user has no permissions to access the 'nope' key\r\n", await admin.CallAsync("ACL", "DRYRUN", "app", "GET", "nope"));
        Assert.EndsWith("\r\nThis user has no permissions to run the 'flushall' command\r\n", await admin.CallAsync("ACL", "DRYRUN", "app", "FLUSHALL"));
    }

    [Fact]
    public async Task Multi_queues_refusals_as_execabort_and_exec_rechecks_changed_rules()
    {
        await using var node = await TestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        await admin.CallAsync("ACL", "SETUSER", "u", "on", "nopass", "allkeys", "+@all", "-del");
        await using var c = await node.ConnectAsync();
        await c.CallAsync("AUTH", "u", "x");
        await c.CallAsync("MULTI");
        Assert.StartsWith("-NOPERM", await c.CallAsync("DEL", "k"));
        Assert.StartsWith("-EXECABORT", await c.CallAsync("EXEC"));

        await c.CallAsync("MULTI");
        Assert.Equal("+QUEUED\r\n", await c.CallAsync("SET", "k", "v"));
        await admin.CallAsync("ACL", "SETUSER", "u", "-set");
        Assert.Equal("*1\r\n-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: no permission to execute the command or subcommand\r\n", await c.CallAsync("EXEC"));
    }

    [Fact]
    public async Task Requirepass_is_the_default_users_password_and_deleted_users_are_disconnected()
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "sekret");
        await using var c = await node.ConnectAsync();
        Assert.StartsWith("-NOAUTH", await c.CallAsync("PING"));
        Assert.Equal("+OK\r\n", await c.CallAsync("AUTH", "default", "sekret"));
        Assert.Contains(AclUserHash("sekret"), await c.CallAsync("ACL", "GETUSER", "default"));
        await c.CallAsync("CONFIG", "SET", "requirepass", "other");
        Assert.Contains(AclUserHash("other"), await c.CallAsync("ACL", "GETUSER", "default"));

        await c.CallAsync("ACL", "SETUSER", "gone", "on", "nopass", "+@all", "allkeys");
        await using var victim = await node.ConnectAsync();
        Assert.Contains("server", await victim.CallAsync("HELLO", "2", "AUTH", "gone", "x"));
        Assert.Equal(":1\r\n", await c.CallAsync("ACL", "DELUSER", "gone"));
        Assert.True(await victim.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Subscribers_are_disconnected_when_their_user_loses_the_channel()
    {
        await using var node = await TestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        await admin.CallAsync("ACL", "SETUSER", "sub", "on", "nopass", "+@all", "&news");
        await using var c = await node.ConnectAsync();
        await c.CallAsync("AUTH", "sub", "x");
        Assert.Contains("news", await c.CallAsync("SUBSCRIBE", "news"));
        await admin.CallAsync("ACL", "SETUSER", "sub", "resetchannels", "&weather");
        Assert.True(await c.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Scripts_run_with_their_callers_permissions()
    {
        await using var node = await TestNode.StartAsync();
        await using var admin = await node.ConnectAsync();
        await admin.CallAsync("ACL", "SETUSER", "bob", "on", ">123", "+@scripting", "+set", "~x*");
        await using var c = await node.ConnectAsync();
        await c.CallAsync("AUTH", "bob", "123");
        Assert.Equal(":1\r\n", await c.CallAsync("EVAL", "return redis.acl_check_cmd('set','xx',1)", "1", "xx"));
        Assert.Equal("$-1\r\n", await c.CallAsync("EVAL", "return redis.acl_check_cmd('hset','xx','f',1)", "1", "xx"));
        Assert.StartsWith("-ERR The user executing the script can't run this command or subcommand", await c.CallAsync("EVAL", "return redis.call('get','x')", "0"));
        Assert.StartsWith("-ERR The user executing the script can't access at least one of the keys", await c.CallAsync("EVAL", "return redis.call('set','y', 1)", "0"));
        Assert.Contains("$7\r\ncontext\r\n$3\r\nlua\r\n", await admin.CallAsync("ACL", "LOG", "1"));
    }

    private static string AclUserHash(string password) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(password)));
}
