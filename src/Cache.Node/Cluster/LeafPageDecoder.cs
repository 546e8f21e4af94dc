using System.Buffers;
using System.Buffers.Binary;

namespace Cache.Node.Cluster;

/// <summary>A LEAVES page, [cursor, [key, 8-byte hash, …]], decoded as it is scanned.</summary>
internal sealed class LeafPageDecoder : PeerPageDecoder
{
    private List<(byte[] Key, ulong EntryHash)> _leaves = [];
    private byte[]? _key;   // a leaf's key, until its hash comes

    /// <summary>The page; null when the reply was not a whole, well-formed page.</summary>
    public LeafPage? Page => IsWhole ? new LeafPage(Number, _leaves) : null;

    protected override bool IsItemsWhole => _key is null;

    protected override bool OnItems(long count)
    {
        _leaves = new List<(byte[] Key, ulong EntryHash)>((int)Math.Min(count / 2, 65536));
        return count % 2 == 0;
    }

    protected override bool OnItem(in ReadOnlySequence<byte> bulk)
    {
        if (_key is null)
        {
            _key = bulk.ToArray();
            return true;
        }

        if (bulk.Length != sizeof(ulong))
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[sizeof(ulong)];
        bulk.CopyTo(hash);
        _leaves.Add((_key, BinaryPrimitives.ReadUInt64LittleEndian(hash)));
        _key = null;
        return true;
    }
}
