using System.Buffers;

namespace Cache.Node.Commands;

/// <summary>
/// The members a GEO search found, in pooled arrays: the points in one, the members' bytes
/// packed in another, so a search allocates nothing per member. Return it with <see cref="Dispose"/>.
/// </summary>
internal sealed class GeoMatches : IDisposable
{
    private GeoMatch[] _matches = ArrayPool<GeoMatch>.Shared.Rent(16);
    private byte[] _names = ArrayPool<byte>.Shared.Rent(256);
    private int _nameBytes;

    public int Count { get; private set; }

    public Span<GeoMatch> Items => _matches.AsSpan(0, Count);

    public ReadOnlySpan<byte> MemberOf(in GeoMatch match) => _names.AsSpan(match.MemberStart, match.MemberLength);

    public void Add(ReadOnlySpan<byte> member, double longitude, double latitude, double distance, double score)
    {
        if (Count == _matches.Length)
        {
            _matches = Grow(_matches, Count + 1);
        }

        if (_nameBytes + member.Length > _names.Length)
        {
            _names = Grow(_names, _nameBytes + member.Length);
        }

        member.CopyTo(_names.AsSpan(_nameBytes));
        _matches[Count++] = new GeoMatch
        {
            Longitude = longitude,
            Latitude = latitude,
            Distance = distance,
            Score = score,
            MemberStart = _nameBytes,
            MemberLength = member.Length,
        };
        _nameBytes += member.Length;
    }

    /// <summary>Orders the matches by distance, nearest first or last; equal distances keep their scan order.</summary>
    public void SortByDistance(bool descending)
    {
        // A stable order for ties, as glibc's merge-sorting qsort gives Redis.
        // (MemberStart grows in scan order, so it breaks ties.)
        Items.Sort((a, b) =>
        {
            var order = a.Distance.CompareTo(b.Distance);
            order = descending ? -order : order;
            return order != 0 ? order : a.MemberStart.CompareTo(b.MemberStart);
        });
    }

    public void Dispose()
    {
        ArrayPool<GeoMatch>.Shared.Return(_matches);
        ArrayPool<byte>.Shared.Return(_names);
        _matches = [];
        _names = [];
        Count = 0;
    }

    private static T[] Grow<T>(T[] array, int needed)
    {
        var larger = ArrayPool<T>.Shared.Rent(Math.Max(needed, array.Length * 2));
        array.AsSpan().CopyTo(larger);
        ArrayPool<T>.Shared.Return(array);
        return larger;
    }
}
