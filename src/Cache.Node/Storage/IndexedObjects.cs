namespace Cache.Node.Storage;

/// <summary>
/// The few objects the store does hold (large records, large hashes), each named by a small
/// integer that a pointer-free entry can carry. Freed indices are reused through a free list
/// threaded through an int array, so the arrays stay as large as the peak, never larger.
/// </summary>
/// <typeparam name="T">The object type.</typeparam>
internal sealed class IndexedObjects<T>
    where T : class
{
    private T?[] _items = new T?[4];
    private int[] _next = new int[4];
    private int _used;
    private int _free = -1;
    private int _count;

    /// <summary>Objects held now.</summary>
    public int Count => _count;

    /// <summary>Length of the index arrays (for memory accounting).</summary>
    public int Capacity => _items.Length;

    public T this[int index] => _items[index]!;

    public int Add(T item)
    {
        int index;
        if (_free >= 0)
        {
            index = _free;
            _free = _next[index];
        }
        else
        {
            if (_used == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
                Array.Resize(ref _next, _next.Length * 2);
            }

            index = _used++;
        }

        _items[index] = item;
        _count++;
        return index;
    }

    /// <summary>Drops the object at <paramref name="index"/> and returns it; the index is reused later.</summary>
    public T Remove(int index)
    {
        var item = _items[index]!;
        _items[index] = null;
        _next[index] = _free;
        _free = index;
        _count--;
        return item;
    }

    public void Clear()
    {
        _items = new T?[4];
        _next = new int[4];
        _used = 0;
        _free = -1;
        _count = 0;
    }
}
