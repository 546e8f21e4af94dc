namespace Cache.Node.Storage;

/// <summary>
/// A large sorted set's order: its member handles in (score, member) order, as a chunked sorted
/// array: <c>long[]</c> blocks of up to <see cref="BlockSize"/> handles, a directory of blocks and
/// a Fenwick tree over the block lengths, so rank to position and position to rank are O(log n).
/// The GC sees one array per block (n / 64 at most), never an object per member. Purely
/// positional: the owner decides where a handle goes.
/// </summary>
internal sealed class ZSetOrderIndex
{
    public const int BlockSize = 128;

    private long[][] _blocks = new long[4][];
    private int[] _lengths = new int[4];
    private int[] _tree = new int[5];
    private int _blockCount;

    public long Count { get; private set; }

    public int BlockCount => _blockCount;

    /// <summary>Bytes of the arrays held (blocks, directory, tree).</summary>
    public long Bytes => ((long)_blockCount * ((BlockSize * sizeof(long)) + 24)) + ((long)_blocks.Length * 8) + 24 + ((long)_lengths.Length * 4) + 24 + ((long)_tree.Length * 4) + 24;

    public int BlockLength(int block) => _lengths[block];

    public long At(int block, int index) => _blocks[block][index];

    /// <summary>The handle of rank <paramref name="rank"/>.</summary>
    public long this[long rank]
    {
        get
        {
            var block = Locate(rank, out var index);
            return _blocks[block][index];
        }
    }

    /// <summary>The rank of the first handle of <paramref name="block"/>.</summary>
    public long FirstRankOf(int block)
    {
        long sum = 0;
        for (var i = block; i > 0; i -= i & -i)
        {
            sum += _tree[i];
        }

        return sum;
    }

    /// <summary>The block holding rank <paramref name="rank"/> (&lt; Count) and its index there.</summary>
    public int Locate(long rank, out int index)
    {
        var block = 0;
        var remaining = rank;
        for (var step = HighestPowerOfTwo(_blockCount); step > 0; step >>= 1)
        {
            var next = block + step;
            if (next <= _blockCount && _tree[next] <= remaining)
            {
                block = next;
                remaining -= _tree[next];
            }
        }

        index = (int)remaining;
        return block;
    }

    /// <summary>Inserts <paramref name="handle"/> so that it has rank <paramref name="rank"/> (0..Count).</summary>
    public void InsertAt(long rank, long handle)
    {
        if (_blockCount == 0)
        {
            InsertBlock(0, new long[BlockSize], 0);
        }

        int block;
        int index;
        if (rank == Count)
        {
            block = _blockCount - 1;
            index = _lengths[block];
        }
        else
        {
            block = Locate(rank, out index);
        }

        if (_lengths[block] == BlockSize)
        {
            // Appends past either end open a fresh block, so rising (or falling) scores fill
            // blocks whole instead of leaving a trail of half-full ones.
            if (index == BlockSize && block == _blockCount - 1)
            {
                InsertBlock(++block, new long[BlockSize], 0);
                index = 0;
            }
            else if (index == 0 && block == 0)
            {
                InsertBlock(0, new long[BlockSize], 0);
            }
            else
            {
                Split(block);
                if (index > BlockSize / 2)
                {
                    block++;
                    index -= BlockSize / 2;
                }
            }
        }

        var items = _blocks[block];
        Array.Copy(items, index, items, index + 1, _lengths[block] - index);
        items[index] = handle;
        _lengths[block]++;
        AddToTree(block, 1);
        Count++;
    }

    /// <summary>Removes the handle of rank <paramref name="rank"/> and returns it.</summary>
    public long RemoveAt(long rank)
    {
        var block = Locate(rank, out var index);
        var items = _blocks[block];
        var handle = items[index];
        Array.Copy(items, index + 1, items, index, _lengths[block] - index - 1);
        _lengths[block]--;
        Count--;
        if (_lengths[block] == 0)
        {
            RemoveBlock(block);
        }
        else if (_lengths[block] < BlockSize / 4 && block + 1 < _blockCount && _lengths[block] + _lengths[block + 1] <= BlockSize / 2)
        {
            Array.Copy(_blocks[block + 1], 0, items, _lengths[block], _lengths[block + 1]);
            _lengths[block] += _lengths[block + 1];
            RemoveBlock(block + 1);
        }
        else
        {
            AddToTree(block, -1);
        }

        return handle;
    }

    private void Split(int block)
    {
        var upper = new long[BlockSize];
        Array.Copy(_blocks[block], BlockSize / 2, upper, 0, BlockSize / 2);
        _lengths[block] = BlockSize / 2;
        InsertBlock(block + 1, upper, BlockSize / 2);
    }

    private void InsertBlock(int at, long[] items, int length)
    {
        if (_blockCount == _blocks.Length)
        {
            Array.Resize(ref _blocks, _blocks.Length * 2);
            Array.Resize(ref _lengths, _lengths.Length * 2);
            _tree = new int[_blocks.Length + 1];
        }

        Array.Copy(_blocks, at, _blocks, at + 1, _blockCount - at);
        Array.Copy(_lengths, at, _lengths, at + 1, _blockCount - at);
        _blocks[at] = items;
        _lengths[at] = length;
        _blockCount++;
        RebuildTree();
    }

    private void RemoveBlock(int at)
    {
        Array.Copy(_blocks, at + 1, _blocks, at, _blockCount - at - 1);
        Array.Copy(_lengths, at + 1, _lengths, at, _blockCount - at - 1);
        _blockCount--;
        _blocks[_blockCount] = null!;
        _lengths[_blockCount] = 0;
        RebuildTree();
    }

    private void AddToTree(int block, int delta)
    {
        for (var i = block + 1; i <= _blockCount; i += i & -i)
        {
            _tree[i] += delta;
        }
    }

    private void RebuildTree()
    {
        Array.Clear(_tree);
        for (var i = 1; i <= _blockCount; i++)
        {
            _tree[i] += _lengths[i - 1];
            var parent = i + (i & -i);
            if (parent <= _blockCount)
            {
                _tree[parent] += _tree[i];
            }
        }
    }

    private static int HighestPowerOfTwo(int n) => n == 0 ? 0 : 1 << (31 - int.LeadingZeroCount(n));
}
