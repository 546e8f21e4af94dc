using System.Net;
using System.Text;
using Cache.Node.Cluster;
using Cache.Node.Resp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cache.Node.Commands;

/// <summary>
/// The answering side of <see cref="PeerProof"/>: GOSSIPCACHE HELLO gives a connection a fresh
/// nonce and this node's proof, GOSSIPCACHE AUTH checks the connection's proof over that nonce
/// (once: the nonce is spent either way) and makes the connection a peer's. Every other
/// GOSSIPCACHE command carries <see cref="CommandFlags.Peer"/> and is refused to a connection
/// that is not (<see cref="ClientSession"/> checks it before routing, MULTI or running).
/// With no cluster secret the proofs are made with an empty key, which proves nothing, so the
/// connection must also come from a current member's address (docs/security.md).
/// </summary>
internal sealed partial class PeerAuthentication
{
    private long _accepted;
    private long _refused;

    /// <summary>Where refusals are logged; the composition root sets the node's logger.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>The error a connection that is not an authenticated peer gets for a peer command.</summary>
    public static string NotAPeer(CommandDefinition command) =>
        $"NOPERM '{command.FullName}' is for authenticated GossipCache peers only (GOSSIPCACHE HELLO, then AUTH with the cluster secret)";

    /// <summary>GOSSIPCACHE HELLO client-nonce: [this node's nonce, this node's proof], both hex.</summary>
    public static void Hello(ClientSession client, in RespRequest request)
    {
        if (PeerProof.FromHex(request[2], PeerProof.NonceBytes) is not { } theirs)
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        var ours = PeerProof.NewNonce();
        client.Connection.PeerNonce = ours;
        client.Reply.ArrayHeader(2);
        client.Reply.Bulk(Encoding.ASCII.GetBytes(PeerProof.Hex(ours)));
        client.Reply.Bulk(Encoding.ASCII.GetBytes(PeerProof.Hex(PeerProof.Server(SecretOf(client), theirs, ours))));
    }

    /// <summary>GOSSIPCACHE AUTH node-id proof [BLOCKING]: +OK and the connection is a peer's, or NOPERM.</summary>
    public static void Auth(ClientSession client, in RespRequest request)
    {
        var blocking = request.Count == 5 && System.Text.Ascii.EqualsIgnoreCase(request[4], "BLOCKING"u8);
        if (request.Count > 5 || (request.Count == 5 && !blocking))
        {
            client.Reply.Error("ERR syntax error"u8);
            return;
        }

        var auth = client.Server.PeerAuth;
        var nonce = client.Connection.PeerNonce;
        client.Connection.PeerNonce = null;
        var nodeId = Encoding.UTF8.GetString(request[2]);
        var proof = PeerProof.FromHex(request[3], 32);
        string? failure = null;
        if (nonce is null)
        {
            failure = "no GOSSIPCACHE HELLO before it on this connection";
        }
        else if (proof is null || !PeerProof.Matches(PeerProof.Client(SecretOf(client), nonce, nodeId), proof))
        {
            failure = "wrong proof (a different --cluster-secret or --gossip-key?)";
        }
        else if (client.Server.Settings.ClusterSecret is null && !FromMemberAddress(client))
        {
            failure = "this node has no cluster secret, and the connection does not come from a member's address";
        }

        if (failure is not null)
        {
            Interlocked.Increment(ref auth._refused);
            LogRefused(auth.Logger, client.Connection.RemoteAddress, nodeId, failure);
            client.Reply.Error("NOPERM peer authentication failed: " + failure);
            return;
        }

        Interlocked.Increment(ref auth._accepted);
        client.Connection.IsPeer = true;
        client.Connection.PeerMayBlock = blocking;
        client.Connection.PeerId = nodeId;
        // A peer need not know requirepass: it proved more than a client's password would.
        client.Connection.Authenticated = true;
        // Nor is it an ACL user: it runs what other nodes send (forwarded commands were checked where the client is).
        client.Connection.User = client.Server.Acl.Internal;
        client.Reply.Ok();
    }

    private static byte[] SecretOf(ClientSession client) => client.Server.Settings.ClusterSecret ?? [];

    private static bool FromMemberAddress(ClientSession client) =>
        IPEndPoint.TryParse(client.Connection.RemoteAddress, out var remote) && client.Server.Cluster is { } cluster && cluster.IsMemberAddress(remote.Address);

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Peer authentication: refused the connection from {Remote} claiming to be node '{NodeId}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string remote, string nodeId, string reason);
}
