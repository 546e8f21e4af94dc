namespace Cache.Node.Storage;

/// <summary>Walks a sorted set's members upwards from a rank, over either encoding. Valid until the next write.</summary>
internal ref struct ZSetCursor
{
    private readonly ReadOnlySpan<byte> _blob;
    private readonly LargeSortedSet? _large;
    private long _rank;
    private int _position;

    internal ZSetCursor(ReadOnlySpan<byte> blob, LargeSortedSet? large, long rank, int position)
    {
        _blob = blob;
        _large = large;
        _rank = rank;
        _position = position;
    }

    public ReadOnlySpan<byte> Member { get; private set; }

    public double Score { get; private set; }

    public bool MoveNext()
    {
        double score;
        ReadOnlySpan<byte> member;
        if (_large is null)
        {
            if (_position >= _blob.Length)
            {
                return false;
            }

            _position = ZSetBlob.ReadAt(_blob, _position, out member, out score);
        }
        else
        {
            if (_rank >= _large.Count)
            {
                return false;
            }

            _large.ReadAt(_rank, out member, out score);
        }

        _rank++;
        Member = member;
        Score = score;
        return true;
    }
}
