using System.Security.Cryptography;
using System.Text;

namespace Cache.Node.Configuration;

/// <summary>
/// The key peers prove they hold before a node serves them GOSSIPCACHE commands. It is never a
/// client credential: from <c>--cluster-secret</c>, else derived from the gossip key, so the one
/// secret an operator already distributes to every node also guards the RESP port's peer commands
/// without being the AES key itself (HKDF with a label of its own).
/// </summary>
internal static class PeerSecret
{
    private static readonly byte[] Label = "gossipcache peer authentication v1"u8.ToArray();

    /// <summary>The derived key (32 bytes) and its source, or (null, "none") when neither is set.</summary>
    public static (byte[]? Key, string Source) Derive(string? clusterSecret, byte[]? gossipKey)
    {
        if (!string.IsNullOrEmpty(clusterSecret))
        {
            return (HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(clusterSecret), 32, [], Label), "cluster-secret");
        }

        if (gossipKey is { Length: > 0 })
        {
            return (HKDF.DeriveKey(HashAlgorithmName.SHA256, gossipKey, 32, [], Label), "gossip-key");
        }

        return (null, "none");
    }

    /// <summary>A random secret for the nodes of one <c>--local-cluster</c> process, which share it.</summary>
    public static string Random() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
