using Cache.Node.Cluster;
using Cache.Node.Commands;
using Cache.Node.Configuration;
using Cache.Node.Tests.Infrastructure;

namespace Cache.Node.Tests.Security;

/// <summary>GOSSIPCACHE commands run only on connections that proved the cluster secret (HELLO, then AUTH).</summary>
public sealed class PeerAuthenticationTests
{
    /// <summary>
    /// Each kind of ordinary client: how its node is configured and what it sends to log in (an
    /// ACL user allowed every command, key and channel included).
    /// </summary>
    public static TheoryData<string, Action<NodeOptions>, string[][]> OrdinaryClients => new()
    {
        { "no password", _ => { }, [] },
        { "the password", o => o.RequirePass = "pw", [["AUTH", "pw"]] },
        { "an all-commands ACL user", o => o.RequirePass = "pw", [["AUTH", "pw"], ["ACL", "SETUSER", "admin", "on", ">secret", "allkeys", "allchannels", "+@all"], ["AUTH", "admin", "secret"]] },
    };

    [Theory]
    [MemberData(nameof(OrdinaryClients))]
    public async Task An_ordinary_client_cannot_run_any_peer_command(string who, Action<NodeOptions> configure, string[][] login)
    {
        await using var node = await TestNode.StartAsync(configure);
        await using var client = await node.ConnectAsync();
        foreach (var command in login)
        {
            Assert.DoesNotContain("-", (await client.CallAsync(command))[..1], StringComparison.Ordinal);
        }

        Assert.Equal("+OK\r\n", await client.CallAsync("SET", "victim", "original"));
        var ring = node.Server.Cluster!.Ring.Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
        var slots = new string('\xff', 2048);
        string[][] attempts =
        [
            ["GOSSIPCACHE", "APPLY", "victim", "9000000000000000000", "1", "1", "0", "forged"],
            ["GOSSIPCACHE", "REPLICATE", "99999999999999", "victim", "9000000000000000000", "1", "1", "0", "forged"],
            ["GOSSIPCACHE", "HANDOFF", ring, "victim", "9000000000000000000", "1", "1", "0", "forged"],
            ["GOSSIPCACHE", "PUTPIECE", "apply", "victim", "9000000000000000000", "1", "1", "0", "6", "0", "forged"],
            ["GOSSIPCACHE", "FETCH", "victim"],
            ["GOSSIPCACHE", "PULL", "0", "10", slots],
            ["GOSSIPCACHE", "ENTRY", "victim"],
            ["GOSSIPCACHE", "LEAVES", "0", "10", slots],
            ["GOSSIPCACHE", "TREE", slots],
            ["GOSSIPCACHE", "DIGESTS", slots],
            ["GOSSIPCACHE", "PIECE", "victim", "1", "1", "0"],
            ["GOSSIPCACHE", "PUBLISH", "chan", "forged"],
            ["GOSSIPCACHE", "SPUBLISH", "chan", "forged"],
            ["GOSSIPCACHE", "FUNCTIONS", "99", "forged"],
            ["GOSSIPCACHE", "ACL", "99", "user forged on nopass +@all ~*"],
        ];

        // Every peer command of the table is tried: a new one cannot be left out of this test.
        var peerCommands = node.Server.Commands.Find("gossipcache"u8)!.SubCommands!.All.Where(c => c.HasFlag(CommandFlags.Peer)).Select(c => c.Name).ToHashSet();
        Assert.Equal(peerCommands, attempts.Select(a => a[1].ToLowerInvariant()).ToHashSet());
        foreach (var attempt in attempts)
        {
            Assert.StartsWith($"-NOPERM 'gossipcache|{attempt[1].ToLowerInvariant()}' is for authenticated GossipCache peers only", await client.CallAsync(attempt), StringComparison.Ordinal);
        }

        // Nor through MULTI, nor from a script.
        Assert.Equal("+OK\r\n", await client.CallAsync("MULTI"));
        Assert.StartsWith("-NOPERM", await client.CallAsync(attempts[0]), StringComparison.Ordinal);
        Assert.StartsWith("-EXECABORT", await client.CallAsync("EXEC"), StringComparison.Ordinal);
        Assert.StartsWith("-ERR This Redis command is not allowed from script", await client.CallAsync("EVAL", "return redis.call('gossipcache', 'apply', 'victim', '9000000000000000000', '1', '1', '0', 'forged')", "0"), StringComparison.Ordinal);

        Assert.Equal("$8\r\noriginal\r\n", await client.CallAsync("GET", "victim"));
        Assert.DoesNotContain("forged", await client.CallAsync("ACL", "USERS"), StringComparison.Ordinal);
        using (node.Server.Keys.Enter())
        {
            Assert.True(node.Server.Keys.Export("victim"u8)!.Value.Version.Clock < 9000000000000000000, who);
        }
    }

    [Fact]
    public async Task A_peer_with_the_wrong_secret_is_refused_and_a_captured_proof_cannot_be_replayed()
    {
        await using var node = await TestNode.StartAsync();
        await using var impostor = await node.ConnectAsync();
        Assert.StartsWith("-NOPERM peer authentication failed: wrong proof", await TestPeer.AuthenticateAsync(impostor, "another-cluster-secret-0123"), StringComparison.Ordinal);
        Assert.StartsWith("-NOPERM 'gossipcache|apply'", await impostor.CallAsync("GOSSIPCACHE", "APPLY", "k", "1", "1", "1", "0", "v"), StringComparison.Ordinal);

        // AUTH with no HELLO, or a second AUTH on a spent nonce, is refused.
        Assert.StartsWith("-NOPERM peer authentication failed: no GOSSIPCACHE HELLO", await impostor.CallAsync("GOSSIPCACHE", "AUTH", "x", new string('0', 64)), StringComparison.Ordinal);

        // A proof seen on one connection is worth nothing on the next: its nonce is new.
        await using var watched = await node.ConnectAsync();
        var nonce = PeerProof.NewNonce();
        var hello = (await watched.CallAsync("GOSSIPCACHE", "HELLO", PeerProof.Hex(nonce))).Split("\r\n");
        var proof = PeerProof.Hex(PeerProof.Client(TestPeer.Credentials().Secret, Convert.FromHexString(hello[2]), "n1"));
        Assert.Equal("+OK\r\n", await watched.CallAsync("GOSSIPCACHE", "AUTH", "n1", proof));
        await using var replayer = await node.ConnectAsync();
        await replayer.CallAsync("GOSSIPCACHE", "HELLO", PeerProof.Hex(nonce));
        Assert.StartsWith("-NOPERM peer authentication failed: wrong proof", await replayer.CallAsync("GOSSIPCACHE", "AUTH", "n1", proof), StringComparison.Ordinal);
        var info = await replayer.CallAsync("INFO", "cluster");
        Assert.Contains("cluster_peer_auth_refused:3\r\n", info, StringComparison.Ordinal);
        Assert.Contains("cluster_secret:cluster-secret\r\n", info, StringComparison.Ordinal);

        // A node's own links check the other side too: with the wrong secret, no link.
        await using var links = new PeerLinks(TestPeer.Credentials("another-cluster-secret-0123"), TimeSpan.FromSeconds(10), TimeProvider.System);
        var failure = await Assert.ThrowsAsync<Cache.Client.Resp.RespConnectionException>(() => links.ForReplication(node.Endpoint).SendAsync(["PING"u8.ToArray()]));
        Assert.Contains("did not prove it holds the cluster secret", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_needs_no_password_and_is_served_once_it_proved_the_secret()
    {
        await using var node = await TestNode.StartAsync(o => o.RequirePass = "client-password");
        await using var peer = await node.ConnectPeerAsync();
        Assert.Equal(":1\r\n", await peer.CallAsync("GOSSIPCACHE", "APPLY", "k", "1", "1", "1", "0", "v"));
        Assert.Equal("$1\r\nv\r\n", await peer.CallAsync("GET", "k"));
        Assert.Contains("cluster_peer_auth_accepted:1\r\n", await peer.CallAsync("INFO", "cluster"), StringComparison.Ordinal);

        await using var links = new PeerLinks(TestPeer.Credentials(), TimeSpan.FromSeconds(10), TimeProvider.System);
        var reply = await links.ForReplication(node.Endpoint).SendAsync(["GOSSIPCACHE"u8.ToArray(), "ENTRY"u8.ToArray(), "k"u8.ToArray()]);
        Assert.Equal(6, reply.ThrowIfError().Items!.Count);
    }

    [Fact]
    public async Task Without_a_secret_a_peer_is_told_by_a_members_address()
    {
        // No secret: the proof is made with an empty key; loopback is this one-node cluster's own address.
        await using var node = await TestNode.StartAsync(o => o.ClusterSecret = null);
        await using var peer = await RespTestClient.ConnectAsync(node.Port);
        Assert.Equal("+OK\r\n", await TestPeer.AuthenticateAsync(peer, secret: null));
        Assert.Equal(":1\r\n", await peer.CallAsync("GOSSIPCACHE", "APPLY", "k", "1", "1", "1", "0", "v"));
        Assert.Contains("cluster_secret:none\r\n", await peer.CallAsync("INFO", "cluster"), StringComparison.Ordinal);

        // A node with a secret does not take the secret-less proof.
        await using var guarded = await TestNode.StartAsync();
        await using var other = await RespTestClient.ConnectAsync(guarded.Port);
        Assert.StartsWith("-NOPERM peer authentication failed: wrong proof", await TestPeer.AuthenticateAsync(other, secret: null), StringComparison.Ordinal);
    }

    [Fact]
    public void The_secret_is_derived_from_the_gossip_key_unless_one_is_given()
    {
        var key = new byte[32];
        key[0] = 1;
        var fromKey = PeerSecret.Derive(null, key);
        Assert.Equal("gossip-key", fromKey.Source);
        Assert.NotEqual(key, fromKey.Key);
        Assert.Equal(fromKey.Key, PeerSecret.Derive("", key).Key);
        Assert.Equal("cluster-secret", PeerSecret.Derive("a-secret-of-16-chars", key).Source);
        Assert.NotEqual(fromKey.Key, PeerSecret.Derive("a-secret-of-16-chars", key).Key);
        Assert.Equal((null, "none"), PeerSecret.Derive(null, null));
    }
}
