namespace Cache.Node.Storage;

/// <summary>Deleting and trimming entries, the wire form, and releasing the chunks.</summary>
internal sealed partial class StreamValue
{
    /// <summary>Flags the live entry <paramref name="id"/> deleted (dropping its block when it was the block's last live one); false when there is none. The caller keeps <see cref="MaxDeletedId"/>.</summary>
    public bool Delete(StreamId id)
    {
        if (!SeekForward(id, out var position) || Read(position).Id != id)
        {
            return false;
        }

        MarkDeleted(position);
        if (Length == 0)
        {
            FirstId = StreamId.Zero;
        }
        else if (id == FirstId)
        {
            RefreshFirstId();
        }

        return true;
    }

    /// <summary>
    /// Redis' streamTrim: drops whole blocks from the front while the stream stays at least
    /// <paramref name="maxLength"/> long (or their last id is below <paramref name="minId"/>),
    /// then, unless <paramref name="approximate"/>, flags entries of the next block one by one.
    /// <paramref name="limit"/> above 0 caps the entries removed, counted by whole blocks.
    /// </summary>
    public long Trim(bool byLength, long maxLength, StreamId minId, bool approximate, long limit)
    {
        long deleted = 0;
        while (_blocks > 0)
        {
            if (byLength && Length <= maxLength)
            {
                break;
            }

            long entries = _live[0];
            if (limit > 0 && deleted + entries > limit)
            {
                break;
            }

            var removeBlock = byLength ? Length - entries >= maxLength : LastIdOfBlock(0) < minId;
            if (removeBlock)
            {
                RemoveBlock(0);
                Length -= entries;
                deleted += entries;
                continue;
            }

            if (approximate)
            {
                break;
            }

            var data = Data(0);
            for (var at = 0; at < data.Length; at = Skip(data, at))
            {
                if (byLength ? Length <= maxLength : IdAt(0, data, at) >= minId)
                {
                    break;
                }

                if (data[at] != DeletedFlag)
                {
                    _memory.Chunk(_handles[0])[at] = DeletedFlag;
                    _live[0]--;
                    _deleted[0]++;
                    Length--;
                    deleted++;
                }
            }

            break;
        }

        if (Length == 0)
        {
            FirstId = StreamId.Zero;
        }
        else if (deleted > 0)
        {
            RefreshFirstId();
        }

        return deleted;
    }

    /// <summary>Sets the counters XSETID sets (and COPY and replication bring).</summary>
    public void SetCounters(StreamId lastId, long entriesAdded, StreamId maxDeletedId)
    {
        LastId = lastId;
        EntriesAdded = entriesAdded;
        MaxDeletedId = maxDeletedId;
    }

    /// <summary>
    /// The whole stream, blocks as they are: counters, then each block (first id, live and
    /// deleted counts, bytes), then the packed groups. COPY and replication's wire form.
    /// </summary>
    public byte[] Export()
    {
        var size = (8 * 8) + 4 + _groupsLength + 4;
        for (var i = 0; i < _blocks; i++)
        {
            size += (8 * 2) + (4 * 3) + _used[i];
        }

        var wire = new byte[size];
        var writer = new SpanWriter(wire);
        writer.UInt64(LastId.Ms);
        writer.UInt64(LastId.Seq);
        writer.UInt64(FirstId.Ms);
        writer.UInt64(FirstId.Seq);
        writer.UInt64(MaxDeletedId.Ms);
        writer.UInt64(MaxDeletedId.Seq);
        writer.UInt64((ulong)EntriesAdded);
        writer.UInt64((ulong)Length);
        writer.Int32(_blocks);
        for (var i = 0; i < _blocks; i++)
        {
            writer.UInt64(_firstMs[i]);
            writer.UInt64(_firstSeq[i]);
            writer.Int32(_live[i]);
            writer.Int32(_deleted[i]);
            writer.Int32(_used[i]);
            writer.Bytes(Data(i));
        }

        writer.Int32(_groupsLength);
        writer.Bytes(Groups);
        return wire;
    }

    /// <summary>Replaces this (empty) stream's content with an exported one; throws <see cref="InvalidDataException"/> on a malformed one.</summary>
    public void Import(ReadOnlySpan<byte> wire)
    {
        var reader = new SpanReader(wire);
        LastId = new(reader.UInt64(), reader.UInt64());
        FirstId = new(reader.UInt64(), reader.UInt64());
        MaxDeletedId = new(reader.UInt64(), reader.UInt64());
        EntriesAdded = (long)reader.UInt64();
        Length = (long)reader.UInt64();
        var blocks = reader.Int32();
        for (var i = 0; i < blocks; i++)
        {
            var block = AddBlock(new(reader.UInt64(), reader.UInt64()));
            _live[block] = reader.Int32();
            _deleted[block] = reader.Int32();
            var used = reader.Int32();
            var data = reader.Bytes(used);
            data.CopyTo(Reserve(block, used));
            _used[block] = used;
        }

        SetGroups(reader.Bytes(reader.Int32()));
    }

    /// <summary>Frees every chunk (the stream is being deleted or overwritten).</summary>
    public void Release()
    {
        for (var i = 0; i < _blocks; i++)
        {
            _memory.Free(_handles[i]);
        }

        _blocks = 0;
        _directory.Total -= DirectoryBytes;
        if (_groups != 0)
        {
            _memory.Free(_groups);
            _groups = 0;
        }
    }

    private void MarkDeleted(StreamPosition position)
    {
        var block = position.Block;
        Length--;
        if (_live[block] == 1)
        {
            RemoveBlock(block);
            return;
        }

        _memory.Chunk(_handles[block])[position.Offset] = DeletedFlag;
        _live[block]--;
        _deleted[block]++;
    }

    private void RefreshFirstId() =>
        FirstId = SeekForward(StreamId.Zero, out var first) ? Read(first).Id : StreamId.Zero;

    private StreamId LastIdOfBlock(int block)
    {
        var data = Data(block);
        var last = 0;
        for (var at = 0; at < data.Length; at = Skip(data, at))
        {
            last = at;
        }

        return IdAt(block, data, last);
    }

    private void RemoveBlock(int block)
    {
        _memory.Free(_handles[block]);
        var after = _blocks - block - 1;
        Array.Copy(_handles, block + 1, _handles, block, after);
        Array.Copy(_firstMs, block + 1, _firstMs, block, after);
        Array.Copy(_firstSeq, block + 1, _firstSeq, block, after);
        Array.Copy(_live, block + 1, _live, block, after);
        Array.Copy(_deleted, block + 1, _deleted, block, after);
        Array.Copy(_used, block + 1, _used, block, after);
        _blocks--;
    }
}
