using K4os.Hash.xxHash;

namespace Cache.Node.Cluster;

/// <summary>Keys as byte arrays, compared by content: maps of keys without a string per key.</summary>
internal sealed class KeyBytesComparer : IEqualityComparer<byte[]>
{
    public static readonly KeyBytesComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj) => (int)XXH64.DigestOf(obj);
}
