using System.Text;
using Cache.Client.Resp;

namespace Cache.Node.Cluster;

/// <summary>
/// The connecting side of <see cref="PeerProof"/>: the first thing every connection to a peer
/// sends. Once it succeeded the peer serves GOSSIPCACHE commands on the connection, counts it as
/// authenticated (requirepass not needed) and serves its commands locally.
/// </summary>
internal static class PeerHandshake
{
    /// <summary>Authenticates <paramref name="connection"/> as a peer's; throws <see cref="RespConnectionException"/> when either side fails to prove the secret.</summary>
    /// <remarks>With <paramref name="blocking"/>, the connection is one forwarded blocking command's own: the peer lets it block.</remarks>
    public static async ValueTask RunAsync(RespConnection connection, PeerCredentials credentials, CancellationToken cancellationToken = default, bool blocking = false)
    {
        var ours = PeerProof.NewNonce();
        var hello = (await connection.ExecuteAsync(["GOSSIPCACHE"u8.ToArray(), "HELLO"u8.ToArray(), Encoding.ASCII.GetBytes(PeerProof.Hex(ours))], cancellationToken)
            .ConfigureAwait(false)).ThrowIfError();
        if (hello.Items is not [{ Bytes: { } nonceHex }, { Bytes: { } proofHex }]
            || PeerProof.FromHex(nonceHex, PeerProof.NonceBytes) is not { } theirs
            || PeerProof.FromHex(proofHex, 32) is not { } proof
            || !PeerProof.Matches(PeerProof.Server(credentials.Secret, ours, theirs), proof))
        {
            throw new RespConnectionException("The peer did not prove it holds the cluster secret (a different --cluster-secret or --gossip-key?)");
        }

        ReadOnlyMemory<byte>[] auth = ["GOSSIPCACHE"u8.ToArray(), "AUTH"u8.ToArray(), Encoding.UTF8.GetBytes(credentials.NodeId), Encoding.ASCII.GetBytes(PeerProof.Hex(PeerProof.Client(credentials.Secret, theirs, credentials.NodeId)))];
        var reply = await connection.ExecuteAsync(blocking ? [.. auth, "BLOCKING"u8.ToArray()] : auth, cancellationToken).ConfigureAwait(false);
        if (reply.IsError)
        {
            throw new RespConnectionException($"The peer refused this node's proof: {reply.Text}");
        }
    }
}
