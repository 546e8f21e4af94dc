using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// A sorted set as commands see it: its store plus a reference to the key's entry. A default
/// handle stands for a missing key. Valid until the next key is added (table growth moves entries).
/// </summary>
internal readonly ref struct SortedSetHandle
{
    private readonly SortedSetStore? _store;
    private readonly ref StoreEntry _entry;

    public SortedSetHandle(SortedSetStore store, ref StoreEntry entry)
    {
        _store = store;
        _entry = ref entry;
    }

    public bool IsMissing => _store is null || Unsafe.IsNullRef(ref _entry);

    public int Count => IsMissing ? 0 : _store!.Count(_entry);

    public bool IsPacked => SortedSetStore.IsPacked(_entry);

    public ref StoreEntry Entry => ref _entry;

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (IsMissing)
        {
            score = 0;
            return false;
        }

        return _store!.TryGetScore(_entry, member, out score);
    }

    public long RankOf(ReadOnlySpan<byte> member, out double score)
    {
        if (IsMissing)
        {
            score = 0;
            return -1;
        }

        return _store!.RankOf(_entry, member, out score);
    }

    public void ReadAt(long rank, out ReadOnlySpan<byte> member, out double score) => _store!.ReadAt(_entry, rank, out member, out score);

    public ZSetCursor Cursor(long rank) => _store!.Cursor(_entry, rank);

    /// <summary>Adds or rescores a member; true when it is new. The caller touches the key.</summary>
    public bool Set(ReadOnlySpan<byte> member, double score) => _store!.Set(ref _entry, member, score);

    public bool Remove(ReadOnlySpan<byte> member) => _store!.Remove(ref _entry, member);

    public void RemoveRange(long start, long count) => _store!.RemoveRange(ref _entry, start, count);
}
