using System.Runtime.CompilerServices;

namespace Cache.Node.Storage;

/// <summary>
/// Pointer-free memory for records: 1 MiB <c>byte[]</c> pages carved into size classes
/// (<see cref="SizeClasses"/>), with one free list per class whose links live inside the free
/// chunks. A chunk is named by a 64-bit handle (page, offset) so nothing the index stores is an
/// object reference; the GC sees one object per page whatever the number of records. Records
/// larger than <see cref="SizeClasses.MaxChunk"/> get a dedicated array in a handle table (few,
/// and already on the large object heap). Not thread-safe: the key space serialises access.
/// </summary>
/// <remarks>
/// A page, once carved for a class, stays with that class (memcached's model): churn within a
/// class reuses its chunks, so memory is bounded by the peak of each class, not by the number of
/// writes. Handles: slab chunks are positive ((page + 1) &lt;&lt; 20 | offset), large records are
/// negative (~index); 0 is never a valid handle.
/// </remarks>
internal sealed class SlabAllocator
{
    public const int PageShift = 20;
    public const int PageSize = 1 << PageShift;
    private const int OffsetMask = PageSize - 1;

    private byte[][] _pages = new byte[16][];
    private byte[] _pageClass = new byte[16];
    private int _pageCount;

    private readonly long[] _freeHead = new long[SizeClasses.Count];
    private readonly int[] _carvePage = new int[SizeClasses.Count];
    private readonly int[] _carveOffset = new int[SizeClasses.Count];

    private readonly IndexedObjects<byte[]> _large = new();

    public SlabAllocator()
    {
        Array.Fill(_carvePage, -1);
    }

    /// <summary>Bytes in chunks handed out (their class size, so rounding slack counts) plus large records.</summary>
    public long UsedBytes { get; private set; }

    /// <summary>Bytes of pages allocated plus large records: what the process holds for records.</summary>
    public long CommittedBytes => ((long)_pageCount * PageSize) + LargeBytes;

    /// <summary>Bytes held by dedicated large-record arrays.</summary>
    public long LargeBytes { get; private set; }

    /// <summary>Bytes of the allocator's own bookkeeping arrays.</summary>
    public long OverheadBytes => ((long)_pages.Length * 8) + _pageClass.Length + ((long)_large.Capacity * 12);

    public int PageCount => _pageCount;

    public int LargeCount => _large.Count;

    /// <summary>Returns a handle to a chunk of at least <paramref name="size"/> bytes.</summary>
    public long Allocate(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (size > SizeClasses.MaxChunk)
        {
            return AllocateLarge(size);
        }

        var cls = SizeClasses.ClassOf(size);
        var chunk = SizeClasses.SizeOf(cls);
        UsedBytes += chunk;
        var head = _freeHead[cls];
        if (head != 0)
        {
            _freeHead[cls] = Unsafe.ReadUnaligned<long>(ref MemoryOf(head));
            return head;
        }

        var page = _carvePage[cls];
        if (page < 0 || _carveOffset[cls] + chunk > PageSize)
        {
            page = NewPage(cls);
            _carvePage[cls] = page;
            _carveOffset[cls] = 0;
        }

        var offset = _carveOffset[cls];
        _carveOffset[cls] = offset + chunk;
        return ((long)(page + 1) << PageShift) | (uint)offset;
    }

    /// <summary>Returns a chunk to its class's free list (or drops a large record).</summary>
    public void Free(long handle)
    {
        if (handle < 0)
        {
            FreeLarge(~handle);
            return;
        }

        var cls = _pageClass[PageOf(handle)];
        UsedBytes -= SizeClasses.SizeOf(cls);
        Unsafe.WriteUnaligned(ref MemoryOf(handle), _freeHead[cls]);
        _freeHead[cls] = handle;
    }

    /// <summary>The whole chunk (its class size, or the large record's length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> Chunk(long handle)
    {
        if (handle < 0)
        {
            return _large[(int)~handle];
        }

        var page = PageOf(handle);
        return _pages[page].AsSpan((int)(handle & OffsetMask), SizeClasses.SizeOf(_pageClass[page]));
    }

    /// <summary>The usable size of the chunk behind <paramref name="handle"/>.</summary>
    public int ChunkSize(long handle) => handle < 0 ? _large[(int)~handle].Length : SizeClasses.SizeOf(_pageClass[PageOf(handle)]);

    /// <summary>True when a record of <paramref name="size"/> bytes belongs in the chunk of <paramref name="handle"/>.</summary>
    public bool Fits(long handle, int size)
    {
        if (handle < 0 || size > SizeClasses.MaxChunk)
        {
            return handle < 0 && _large[(int)~handle].Length == size;
        }

        return SizeClasses.ClassOf(size) == _pageClass[PageOf(handle)];
    }

    /// <summary>Drops every chunk and page.</summary>
    public void Clear()
    {
        _pages = new byte[16][];
        _pageClass = new byte[16];
        _pageCount = 0;
        Array.Clear(_freeHead);
        Array.Fill(_carvePage, -1);
        Array.Clear(_carveOffset);
        _large.Clear();
        UsedBytes = 0;
        LargeBytes = 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PageOf(long handle) => (int)(handle >> PageShift) - 1;

    private ref byte MemoryOf(long handle) =>
        ref _pages[PageOf(handle)][(int)(handle & OffsetMask)];

    private int NewPage(int cls)
    {
        if (_pageCount == _pages.Length)
        {
            Array.Resize(ref _pages, _pages.Length * 2);
            Array.Resize(ref _pageClass, _pageClass.Length * 2);
        }

        _pages[_pageCount] = GC.AllocateUninitializedArray<byte>(PageSize);
        _pageClass[_pageCount] = (byte)cls;
        return _pageCount++;
    }

    private long AllocateLarge(int size)
    {
        var index = _large.Add(GC.AllocateUninitializedArray<byte>(size));
        UsedBytes += size;
        LargeBytes += size;
        return ~(long)index;
    }

    private void FreeLarge(long index)
    {
        var size = _large.Remove((int)index).Length;
        UsedBytes -= size;
        LargeBytes -= size;
    }
}
