using System.Net;
using Cache.Client.Resp;
using Cache.Node.Cluster;

namespace Cache.Node.Tests.Infrastructure;

/// <summary>
/// Connections that prove they are a peer's (GOSSIPCACHE HELLO and AUTH), for tests that play a
/// node by hand: every test node shares <see cref="Secret"/> unless its test sets another.
/// </summary>
public static class TestPeer
{
    /// <summary>The --cluster-secret every <see cref="TestNode"/> gets by default.</summary>
    public const string Secret = TestNode.DefaultClusterSecret;

    internal static PeerCredentials Credentials(string? secret = Secret, string nodeId = "test-peer") =>
        new(Cache.Node.Configuration.PeerSecret.Derive(secret, null).Key, nodeId);

    /// <summary>A raw client authenticated as a peer with <paramref name="secret"/>; throws when refused.</summary>
    public static async Task<RespTestClient> ConnectAsync(int port, string? secret = Secret)
    {
        var client = await RespTestClient.ConnectAsync(port);
        var reply = await AuthenticateAsync(client, secret);
        if (reply != "+OK\r\n")
        {
            await client.DisposeAsync();
            throw new InvalidOperationException("peer authentication failed: " + reply);
        }

        return client;
    }

    /// <summary>Runs the handshake on <paramref name="client"/>; the reply to AUTH.</summary>
    public static async Task<string> AuthenticateAsync(RespTestClient client, string? secret = Secret, string nodeId = "test-peer")
    {
        var credentials = Credentials(secret, nodeId);
        var ours = PeerProof.NewNonce();
        var hello = await client.CallAsync("GOSSIPCACHE", "HELLO", PeerProof.Hex(ours));
        // *2 $32 nonce $64 proof
        var lines = hello.Split("\r\n");
        if (lines.Length < 5 || lines[0] != "*2")
        {
            return hello;
        }

        var theirs = Convert.FromHexString(lines[2]);
        return await client.CallAsync("GOSSIPCACHE", "AUTH", nodeId, PeerProof.Hex(PeerProof.Client(credentials.Secret, theirs, nodeId)));
    }

    /// <summary>A pipelined connection authenticated as a peer, as a node's links are.</summary>
    internal static async Task<RespConnection> ConnectLinkAsync(int port, string? secret = Secret)
    {
        var connection = await RespConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        try
        {
            await PeerHandshake.RunAsync(connection, Credentials(secret));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
