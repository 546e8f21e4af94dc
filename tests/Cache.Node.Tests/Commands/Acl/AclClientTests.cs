using System.Diagnostics;
using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Infrastructure;
using StackExchange.Redis;

namespace Cache.Node.Tests.Commands.Acl;

/// <summary>ACL users with real clients (StackExchange.Redis, redis-cli --user --pass) and across a 3-node cluster.</summary>
public sealed class AclClientTests
{
    [Fact]
    public async Task StackExchange_redis_logs_in_as_an_acl_user_and_gets_noperm_outside_its_keys()
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "adminpw");
        await using (var admin = await node.ConnectAsync())
        {
            await admin.CallAsync("AUTH", "adminpw");
            Assert.Equal("+OK\r\n", await admin.CallAsync("ACL", "SETUSER", "app", "on", ">apppw", "~app:*", "+@all"));
        }

        var options = ConfigurationOptions.Parse(node.Endpoint);
        options.AbortOnConnectFail = true;
        options.User = "app";
        options.Password = "apppw";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();
        await db.StringSetAsync("app:1", "v");
        Assert.Equal("v", await db.StringGetAsync("app:1"));
        var error = await Assert.ThrowsAsync<RedisServerException>(() => db.StringGetAsync("other"));
        Assert.Equal("NOPERM this user has no permissions to access one of the keys used as arguments", error.Message);
    }

    [Fact]
    public async Task Redis_cli_with_user_and_pass()
    {
        await using var node = await TestNode.StartAsync();
        await using (var admin = await node.ConnectAsync())
        {
            await admin.CallAsync("ACL", "SETUSER", "cli", "on", ">clipw", "~cli:*", "+@all", "-flushall");
        }

        Assert.Equal("OK", await RedisCliAsync(node.Port, "--user", "cli", "--pass", "clipw", "SET", "cli:k", "v"));
        Assert.Equal("cli", await RedisCliAsync(node.Port, "--user", "cli", "--pass", "clipw", "ACL", "WHOAMI"));
        Assert.Contains("NOPERM this user has no permissions to run the 'flushall' command", await RedisCliAsync(node.Port, "--user", "cli", "--pass", "clipw", "FLUSHALL"));
        Assert.Contains("WRONGPASS", await RedisCliAsync(node.Port, "--user", "cli", "--pass", "bad", "PING"));
    }

    [Fact]
    public async Task An_acl_change_on_one_node_holds_on_every_node_of_a_cluster()
    {
        var nodes = await TestCluster.StartAsync(3);
        try
        {
            await using var first = await nodes[0].ConnectAsync();
            Assert.Equal("+OK\r\n", await first.CallAsync("ACL", "SETUSER", "shared", "on", ">pw", "~s:*", "+get"));
            await TestCluster.WaitUntilAsync(() => nodes.All(n => HasUser(n, "shared")), "the user on every node");
            await using var third = await nodes[2].ConnectAsync();
            Assert.Equal("+OK\r\n", await third.CallAsync("AUTH", "shared", "pw"));
            Assert.StartsWith("-NOPERM this user has no permissions to run the 'set' command", await third.CallAsync("SET", "s:1", "v"));

            await using var second = await nodes[1].ConnectAsync();
            Assert.Equal(":1\r\n", await second.CallAsync("ACL", "DELUSER", "shared"));
            await TestCluster.WaitUntilAsync(() => nodes.All(n => !HasUser(n, "shared")), "the deletion on every node");
            Assert.True(await third.IsClosedByServerAsync());
        }
        finally
        {
            await TestCluster.StopAsync(nodes);
        }
    }

    private static bool HasUser(TestNode node, string name)
    {
        using (node.Server.Keys.Enter())
        {
            return node.Server.Acl.Find(name) is not null;
        }
    }

    private static async Task<string> RedisCliAsync(int port, params string[] args)
    {
        var psi = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-p");
        psi.ArgumentList.Add(port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        psi.ArgumentList.Add("--no-auth-warning");
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (output + error).Trim();
    }
}
