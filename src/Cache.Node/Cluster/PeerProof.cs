using System.Security.Cryptography;
using System.Text;

namespace Cache.Node.Cluster;

/// <summary>
/// The challenge and response of a peer link's connect. The connecting node sends a nonce with
/// <c>GOSSIPCACHE HELLO</c>; the node it reached answers its own nonce and a proof over both, so the
/// connecting node knows it reached a holder of the secret; the connecting node then proves
/// itself with <c>GOSSIPCACHE AUTH node-id proof</c> over the reached node's nonce. Each nonce
/// is fresh per connection, so a captured proof is worth nothing on another one; the two proofs
/// carry different labels, so one side's proof can never be reflected as the other's.
/// </summary>
internal static class PeerProof
{
    /// <summary>Bytes of a nonce (sent as hex).</summary>
    public const int NonceBytes = 16;

    private static readonly byte[] ClientLabel = "gossipcache peer client v1"u8.ToArray();
    private static readonly byte[] ServerLabel = "gossipcache peer server v1"u8.ToArray();

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceBytes);

    /// <summary>What the connecting node <paramref name="nodeId"/> sends to prove it holds <paramref name="secret"/>.</summary>
    public static byte[] Client(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> serverNonce, string nodeId) =>
        Mac(secret, ClientLabel, serverNonce, Encoding.UTF8.GetBytes(nodeId));

    /// <summary>What the reached node answers to prove it holds <paramref name="secret"/>.</summary>
    public static byte[] Server(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> clientNonce, ReadOnlySpan<byte> serverNonce) =>
        Mac(secret, ServerLabel, clientNonce, serverNonce);

    /// <summary>Compares in constant time: the time taken tells nothing about how much of a guess was right.</summary>
    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> given) =>
        given.Length == expected.Length && CryptographicOperations.FixedTimeEquals(expected, given);

    /// <summary>Hex of <paramref name="bytes"/>, as the handshake sends nonces and proofs.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>The bytes of a hex argument, or null when it is not hex of <paramref name="length"/> bytes.</summary>
    public static byte[]? FromHex(ReadOnlySpan<byte> hex, int length)
    {
        if (hex.Length != length * 2)
        {
            return null;
        }

        var bytes = new byte[length];
        return Convert.FromHexString(Encoding.ASCII.GetString(hex), bytes, out _, out var written) == System.Buffers.OperationStatus.Done && written == length
            ? bytes
            : null;
    }

    private static byte[] Mac(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        // Length-prefixed, so (a, bc) and (ab, c) never give the same input.
        var input = new byte[label.Length + 8 + first.Length + second.Length];
        var at = 0;
        label.CopyTo(input);
        at += label.Length;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(at), first.Length);
        first.CopyTo(input.AsSpan(at + 4));
        at += 4 + first.Length;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(at), second.Length);
        second.CopyTo(input.AsSpan(at + 4));
        return HMACSHA256.HashData(secret, input);
    }
}
