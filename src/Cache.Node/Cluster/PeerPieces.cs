using Cache.Node.Storage;

namespace Cache.Node.Cluster;

/// <summary>
/// One peer connection's large values in transit (<see cref="ValuePieces"/>): those its last
/// PULL or FETCH page offered as stubs, kept until read or the next page, and the few values being
/// assembled from PUTPIECEs. Pieces of one value travel in order on one link; a connection that
/// closes drops both.
/// </summary>
internal sealed class PeerPieces
{
    // Pushes of a few values may interleave on one link (hand-off and anti-entropy share it).
    private const int MaxAssemblies = 4;
    private readonly Dictionary<byte[], ReplicatedEntry> _offered = new(KeyBytesComparer.Instance);
    private readonly Dictionary<byte[], Assembly> _assemblies = new(KeyBytesComparer.Instance);

    /// <summary>
    /// A page's entries as sent: large values replaced by their stubs, and kept here for PIECE
    /// (the previous page's are dropped).
    /// </summary>
    public List<(byte[] Key, ReplicatedEntry Entry)> Offer(List<(byte[] Key, ReplicatedEntry Entry)> entries)
    {
        _offered.Clear();
        var sent = new List<(byte[] Key, ReplicatedEntry Entry)>(entries.Count);
        foreach (var (key, entry) in entries)
        {
            if (ValuePieces.IsLarge(entry))
            {
                _offered[key] = entry;
                sent.Add((key, ValuePieces.Stub(entry)));
            }
            else
            {
                sent.Add((key, entry));
            }
        }

        return sent;
    }

    /// <summary>
    /// The piece at <paramref name="offset"/> of the value of <paramref name="key"/> at
    /// <paramref name="version"/>: as offered, or exported again if this node still holds that
    /// version; false once the version moved on (the asker drops the entry; a later round brings
    /// the newer one).
    /// </summary>
    public bool TryRead(KeySpace keys, byte[] key, EntryVersion version, long offset, out ReadOnlyMemory<byte> piece)
    {
        piece = default;
        if (!_offered.TryGetValue(key, out var entry) || entry.Version != version)
        {
            if (keys.Export(key) is not { } current || current.Version != version || current.IsTombstone)
            {
                return false;
            }

            _offered[key] = entry = current;
        }

        if (offset < 0 || offset > entry.Value.Length)
        {
            return false;
        }

        var length = (int)Math.Min(ValuePieces.PieceBytes, entry.Value.Length - offset);
        piece = entry.Value.Slice((int)offset, length);
        if (offset + length == entry.Value.Length)
        {
            _offered.Remove(key);   // read to the end: the asker needs it no more
        }

        return true;
    }

    /// <summary>
    /// Adds a pushed piece; the whole entry once its last piece is in. False when the piece does
    /// not follow the one before of the same key (another version, a gap): that assembly is
    /// dropped and the sender starts the value again.
    /// </summary>
    public bool TryAdd(byte[] key, in ReplicatedEntry header, long length, long offset, ReadOnlySpan<byte> piece, out ReplicatedEntry? complete)
    {
        complete = null;
        if (offset == 0)
        {
            if (length < 1 || length > ValuePieces.MaxValueBytes || (long)header.Kind == ValuePieces.StubKind)
            {
                return false;
            }

            if (_assemblies.Count >= MaxAssemblies && !_assemblies.ContainsKey(key))
            {
                _assemblies.Remove(_assemblies.Keys.First());
            }

            _assemblies[key] = new Assembly(header, length);
        }

        if (!_assemblies.TryGetValue(key, out var assembly) || !assembly.TryAdd(header, length, offset, piece))
        {
            _assemblies.Remove(key);
            return false;
        }

        if (assembly.Received == length)
        {
            _assemblies.Remove(key);
            complete = assembly.Entry;
        }

        return true;
    }

    // One value being assembled: grown as pieces arrive, never sized by the claimed length alone.
    private sealed class Assembly(ReplicatedEntry header, long length)
    {
        private byte[] _bytes = new byte[Math.Min(length, 4L * ValuePieces.PieceBytes)];

        public long Received { get; private set; }

        public ReplicatedEntry Entry => header with { Value = _bytes.AsMemory(0, (int)Received) };

        public bool TryAdd(in ReplicatedEntry pieceHeader, long pieceLength, long offset, ReadOnlySpan<byte> piece)
        {
            if (pieceHeader != header || pieceLength != length || offset != Received
                || piece.Length == 0 || piece.Length > ValuePieces.PieceBytes || Received + piece.Length > length)
            {
                return false;
            }

            if (Received + piece.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, (int)Math.Min(length, Math.Max(_bytes.Length * 2L, Received + piece.Length)));
            }

            piece.CopyTo(_bytes.AsSpan((int)Received));
            Received += piece.Length;
            return true;
        }
    }
}
