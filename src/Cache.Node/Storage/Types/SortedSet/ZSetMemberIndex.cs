using System.IO.Hashing;

namespace Cache.Node.Storage;

/// <summary>
/// A large sorted set's member index: member to slab handle, open addressing with linear probing
/// over two primitive arrays (handles, hashes) and backward-shift deletion, so no tombstones and
/// no object per member. Members are read from their chunks (see <see cref="ZSetChunk"/>).
/// </summary>
internal sealed class ZSetMemberIndex
{
    private static readonly long Seed = 0x5A5E7_1D3A;

    private readonly SlabAllocator _memory;
    private long[] _handles;
    private uint[] _hashes;
    private int _mask;

    public ZSetMemberIndex(SlabAllocator memory, int capacity)
    {
        _memory = memory;
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _handles = new long[size];
        _hashes = new uint[size];
        _mask = size - 1;
    }

    public int Count { get; private set; }

    /// <summary>Bytes of the two arrays.</summary>
    public long Bytes => ((long)_handles.Length * (sizeof(long) + sizeof(uint))) + 48;

    public static uint HashOf(ReadOnlySpan<byte> member) => (uint)XxHash3.HashToUInt64(member, Seed);

    /// <summary>The handle of <paramref name="member"/>, or 0.</summary>
    public long Find(ReadOnlySpan<byte> member)
    {
        var hash = HashOf(member);
        for (var slot = (int)hash & _mask; _handles[slot] != 0; slot = (slot + 1) & _mask)
        {
            if (_hashes[slot] == hash && ZSetChunk.Member(_memory.Chunk(_handles[slot])).SequenceEqual(member))
            {
                return _handles[slot];
            }
        }

        return 0;
    }

    /// <summary>Adds a handle whose member is not in the index.</summary>
    public void Add(long handle, uint hash)
    {
        if ((Count + 1) * 4 > _handles.Length * 3)
        {
            Grow();
        }

        var slot = (int)hash & _mask;
        while (_handles[slot] != 0)
        {
            slot = (slot + 1) & _mask;
        }

        _handles[slot] = handle;
        _hashes[slot] = hash;
        Count++;
    }

    /// <summary>Removes the slot holding <paramref name="handle"/> (whose member hashes to <paramref name="hash"/>).</summary>
    public void Remove(long handle, uint hash)
    {
        var slot = (int)hash & _mask;
        while (_handles[slot] != handle)
        {
            slot = (slot + 1) & _mask;
        }

        // Backward shift: pull later entries of the run into the hole when their home allows it.
        var hole = slot;
        for (var next = (hole + 1) & _mask; _handles[next] != 0; next = (next + 1) & _mask)
        {
            var home = (int)_hashes[next] & _mask;
            if (((next - home) & _mask) >= ((next - hole) & _mask))
            {
                _handles[hole] = _handles[next];
                _hashes[hole] = _hashes[next];
                hole = next;
            }
        }

        _handles[hole] = 0;
        _hashes[hole] = 0;
        Count--;
    }

    private void Grow()
    {
        var handles = _handles;
        var hashes = _hashes;
        _handles = new long[handles.Length * 2];
        _hashes = new uint[handles.Length * 2];
        _mask = _handles.Length - 1;
        Count = 0;
        for (var i = 0; i < handles.Length; i++)
        {
            if (handles[i] != 0)
            {
                Add(handles[i], hashes[i]);
            }
        }
    }
}
