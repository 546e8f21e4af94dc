using System.Net;
using System.Text;
using Cache.Node.Commands;
using Cache.Node.Tests.Cluster;
using Cache.Node.Tests.Cluster.Faults;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Security;

/// <summary>Redis' protected mode: with no password, clients from beyond loopback get DENIED; the cluster's members are let in.</summary>
public sealed class ProtectedModeTests
{
    private static readonly IPEndPoint Outside = new(IPAddress.Parse("10.78.1.1"), 40000);

    [Fact]
    public void The_decision_refuses_only_outsiders_of_a_passwordless_node_in_protected_mode()
    {
        static bool NoMember(IPAddress _) => false;
        Assert.True(ProtectedMode.Refuses(true, true, Outside, NoMember));
        Assert.True(ProtectedMode.Refuses(true, true, new IPEndPoint(IPAddress.Parse("::ffff:10.78.1.1"), 1), NoMember));
        Assert.False(ProtectedMode.Refuses(false, true, Outside, NoMember));
        Assert.False(ProtectedMode.Refuses(true, false, Outside, NoMember));
        Assert.False(ProtectedMode.Refuses(true, true, new IPEndPoint(IPAddress.Loopback, 1), NoMember));
        Assert.False(ProtectedMode.Refuses(true, true, new IPEndPoint(IPAddress.IPv6Loopback, 1), NoMember));
        Assert.False(ProtectedMode.Refuses(true, true, new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 1), NoMember));
        Assert.False(ProtectedMode.Refuses(true, true, Outside, a => a.Equals(Outside.Address)));
        Assert.False(ProtectedMode.Refuses(true, true, new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/x.sock"), NoMember));
    }

    [Fact]
    public async Task The_setting_is_shown_and_changed_by_config()
    {
        await using var node = await TestNode.StartAsync();
        await using var client = await node.ConnectAsync();
        Assert.Equal("*2\r\n$14\r\nprotected-mode\r\n$3\r\nyes\r\n", await client.CallAsync("CONFIG", "GET", "protected-mode"));
        Assert.Equal("+OK\r\n", await client.CallAsync("CONFIG", "SET", "protected-mode", "no"));
        Assert.False(node.Server.Settings.ProtectedMode);
        Assert.StartsWith("-ERR CONFIG SET failed", await client.CallAsync("CONFIG", "SET", "protected-mode", "maybe"), StringComparison.Ordinal);
    }

    [NetnsFact]
    public async Task A_client_from_another_host_gets_DENIED_while_the_clusters_members_get_in()
    {
        await using var lab = await NetworkLab.CreateAsync(2);
        await using var first = await StartAsync(lab, 1, join: null);
        await using var second = await StartAsync(lab, 2, join: NetworkLab.ClusterAddress(1) + ":16379");

        // From the client's host: Redis' DENIED, word for word, and the connection is closed.
        await using (var outsider = RespTestClient.Over(await lab.ConnectFromClientAsync(NetworkLab.ClientSideAddress(1), 6379)))
        {
            Assert.Equal(Encoding.ASCII.GetString(ProtectedMode.Denied), await outsider.ReadReplyAsync());
            Assert.True(await outsider.IsClosedByServerAsync());
        }

        // The members reach each other (their peer links come from member addresses, with no
        // secret at all): a write needing both copies is acknowledged and read on the other node.
        await using var local1 = RespTestClient.Over(await NetworkLab.ConnectFromAsync(lab.NodeNamespace(1), "127.0.0.1", 6379));
        await UntilAsync(async () => (await local1.CallAsync("INFO", "cluster")).Contains("cluster_ring_nodes:2\r\n", StringComparison.Ordinal), "a ring of two");
        await UntilAsync(async () => await local1.CallAsync("SET", "shared", "by both") == "+OK\r\n", "a write acknowledged by both copies");
        await using var local2 = RespTestClient.Over(await NetworkLab.ConnectFromAsync(lab.NodeNamespace(2), "127.0.0.1", 6379));
        Assert.Equal("$7\r\nby both\r\n", await local2.CallAsync("GET", "shared"));
        Assert.Contains("cluster_secret:none\r\n", await local2.CallAsync("INFO", "cluster"), StringComparison.Ordinal);

        // Protected mode off: the outsider is served, but cannot pass for a peer without a secret.
        Assert.Equal("+OK\r\n", await local1.CallAsync("CONFIG", "SET", "protected-mode", "no"));
        await using (var outsider = RespTestClient.Over(await lab.ConnectFromClientAsync(NetworkLab.ClientSideAddress(1), 6379)))
        {
            Assert.Equal("+PONG\r\n", await outsider.CallAsync("PING"));
            Assert.Equal("-NOPERM peer authentication failed: this node has no cluster secret, and the connection does not come from a member's address\r\n",
                await TestPeer.AuthenticateAsync(outsider, secret: null));
        }

        // On again, with a password: the outsider is let in to authenticate.
        Assert.Equal("+OK\r\n", await local1.CallAsync("CONFIG", "SET", "protected-mode", "yes"));
        Assert.Equal("+OK\r\n", await local1.CallAsync("CONFIG", "SET", "requirepass", "pw"));
        await using (var outsider = RespTestClient.Over(await lab.ConnectFromClientAsync(NetworkLab.ClientSideAddress(1), 6379)))
        {
            Assert.Equal("-NOAUTH Authentication required.\r\n", await outsider.CallAsync("PING"));
        }
    }

    private static Task<NodeProcess> StartAsync(NetworkLab lab, int i, string? join) =>
        NodeProcess.StartInNamespaceAsync(lab.NodeNamespace(i),
        [
            "--name", $"p{i}",
            "--bind", $"{NetworkLab.ClusterAddress(i)} {NetworkLab.ClientSideAddress(i)} 127.0.0.1",
            "--port", "6379",
            "--gossip-port", "16379",
            "--replicas", "2",
            .. join is null ? Array.Empty<string>() : ["--join", join],
        ]);

    // Another process's state: asked again shortly, within a bound.
    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"timed out waiting for {what}");
            await Task.Delay(200);
        }
    }
}
