using System.Buffers;

namespace Cache.Node.Storage;

/// <summary>
/// Reading a stream from RDB (types 15 and 19) into its wire form, every count and id checked:
/// entries in id order and at or after their node's master id, the node's counts matching its
/// entries, the length matching the live entries, pending entries unique and each owned by
/// exactly one of its group's consumers. Anything else is corrupt data, as Redis finds it.
/// </summary>
internal static partial class DumpPayload
{
    private static bool TryReadStream(ref RdbReader reader, bool withCounters, out byte[] wire)
    {
        wire = [];
        if (!reader.TryCount(out var nodes))
        {
            return false;
        }

        var blocks = new List<(StreamId Master, int Live, int Deleted, byte[] Data)>(Math.Min(nodes, 1024));
        var items = new List<byte[]>();
        var data = new ArrayBufferWriter<byte>();
        StreamId? previous = null;
        StreamId? firstLive = null;
        long live = 0;
        for (var n = 0; n < nodes; n++)
        {
            if (!reader.TryString(out var key) || key.Length != 16 || !reader.TryString(out var listpack))
            {
                return false;
            }

            var master = ReadRawId(key);
            items.Clear();
            data.Clear();
            if ((blocks.Count > 0 && master <= blocks[^1].Master) || !Listpack.TryRead(listpack, items)
                || !TryNode(master, items, data, ref previous, ref firstLive, out var count, out var deleted))
            {
                return false;
            }

            live += count;
            blocks.Add((master, count, deleted, data.WrittenSpan.ToArray()));
        }

        if (!reader.TryLength(out var length) || !TryId(ref reader, out var last) || (ulong)live != length
            || (previous is { } top && top > last))
        {
            return false;
        }

        var first = firstLive ?? StreamId.Zero;
        var maxDeleted = StreamId.Zero;
        var added = length;
        if (withCounters && (!TryId(ref reader, out _) || !TryId(ref reader, out maxDeleted) || !reader.TryLength(out added)))
        {
            return false;
        }

        if (added > long.MaxValue || !TryGroups(ref reader, withCounters, (long)added, (long)length, last, first, maxDeleted, out var groups))
        {
            return false;
        }

        var size = (8 * 8) + 4 + 4 + groups.Length;
        foreach (var block in blocks)
        {
            size += (8 * 2) + (4 * 3) + block.Data.Length;
        }

        wire = new byte[size];
        var writer = new SpanWriter(wire);
        writer.UInt64(last.Ms);
        writer.UInt64(last.Seq);
        writer.UInt64(first.Ms);
        writer.UInt64(first.Seq);
        writer.UInt64(maxDeleted.Ms);
        writer.UInt64(maxDeleted.Seq);
        writer.UInt64(added);
        writer.UInt64(length);
        writer.Int32(blocks.Count);
        foreach (var block in blocks)
        {
            writer.UInt64(block.Master.Ms);
            writer.UInt64(block.Master.Seq);
            writer.Int32(block.Live);
            writer.Int32(block.Deleted);
            writer.Int32(block.Data.Length);
            writer.Bytes(block.Data);
        }

        writer.Int32(groups.Length);
        writer.Bytes(groups);
        return true;
    }

    /// <summary>One node's listpack elements into a block's entries.</summary>
    private static bool TryNode(StreamId master, List<byte[]> items, ArrayBufferWriter<byte> data, ref StreamId? previous, ref StreamId? firstLive, out int live, out int deleted)
    {
        live = deleted = 0;
        var at = 0;
        if (!TryLong(items, ref at, out var count) || !TryLong(items, ref at, out var deletedCount) || !TryLong(items, ref at, out var masterFields)
            || count <= 0 || deletedCount < 0 || count + deletedCount > items.Count || masterFields < 0 || masterFields > items.Count - at - 1)
        {
            return false;
        }

        var masterAt = at;
        at += (int)masterFields;
        if (!TryLong(items, ref at, out var zero) || zero != 0)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[40];
        while (at < items.Count)
        {
            if (!TryLong(items, ref at, out var flags) || !TryLong(items, ref at, out var msDiff) || !TryLong(items, ref at, out var seqDiff))
            {
                return false;
            }

            var id = new StreamId(unchecked(master.Ms + (ulong)msDiff), unchecked(master.Seq + (ulong)seqDiff));
            var same = (flags & FlagSameFields) != 0;
            var fields = masterFields;
            if (id < master || (previous is { } before && id <= before) || (!same && !TryLong(items, ref at, out fields))
                || fields < 0 || (same ? fields : 2 * fields) > items.Count - at - 1)
            {
                return false;
            }

            previous = id;
            var pairsLength = 0;
            for (var k = 0; k < fields; k++)
            {
                var field = same ? items[masterAt + k] : items[at + (2 * k)];
                var value = same ? items[at + k] : items[at + (2 * k) + 1];
                pairsLength += StreamBytes.StringSize(field.Length) + StreamBytes.StringSize(value.Length);
            }

            var headLength = StreamBytes.WriteVarint(head, id.Ms - master.Ms);
            headLength += StreamBytes.WriteVarint(head[headLength..], id.Seq);
            headLength += StreamBytes.WriteVarint(head[headLength..], (ulong)fields);
            var body = headLength + pairsLength;
            var entry = data.GetSpan(1 + 10 + body);
            var deletedEntry = (flags & FlagDeleted) != 0;
            entry[0] = deletedEntry ? (byte)1 : (byte)0;
            var p = 1 + StreamBytes.WriteVarint(entry[1..], (ulong)body);
            head[..headLength].CopyTo(entry[p..]);
            p += headLength;
            for (var k = 0; k < fields; k++)
            {
                p += StreamBytes.WriteString(entry[p..], same ? items[masterAt + k] : items[at + (2 * k)]);
                p += StreamBytes.WriteString(entry[p..], same ? items[at + k] : items[at + (2 * k) + 1]);
            }

            data.Advance(p);
            at += (int)(same ? fields : 2 * fields);
            if (!TryLong(items, ref at, out var lpCount) || lpCount != (same ? fields + 3 : (2 * fields) + 4))
            {
                return false;
            }

            if (deletedEntry)
            {
                deleted++;
            }
            else
            {
                live++;
                firstLive ??= id;
            }
        }

        return live == count && deleted == deletedCount;
    }

    /// <summary>The consumer groups into their packed form (<see cref="StreamGroups.Encode"/>).</summary>
    private static bool TryGroups(ref RdbReader reader, bool withCounters, long added, long length, StreamId last, StreamId first, StreamId maxDeleted, out byte[] packed)
    {
        packed = [];
        if (!reader.TryCount(out var count))
        {
            return false;
        }

        var groups = new StreamGroups();
        var pel = new List<(StreamId Id, long Time, long Count)>();
        var owners = new List<StreamConsumer?>();
        for (var g = 0; g < count; g++)
        {
            if (!reader.TryString(out var name) || !TryId(ref reader, out var lastId))
            {
                return false;
            }

            var entriesRead = EstimateEntriesRead(added, length, last, first, maxDeleted, lastId);
            if (withCounters)
            {
                if (!reader.TryLength(out var read))
                {
                    return false;
                }

                entriesRead = unchecked((long)read);
            }

            var group = new StreamGroup(name, lastId, entriesRead);
            if (!groups.TryAdd(group) || !reader.TryCount(out var pending))
            {
                return false;
            }

            pel.Clear();
            owners.Clear();
            for (var p = 0; p < pending; p++)
            {
                if (!reader.TryFixed(16, out var raw) || !reader.TryFixed(8, out var time) || !reader.TryLength(out var deliveries))
                {
                    return false;
                }

                var id = ReadRawId(raw);
                if (pel.Count > 0 && id <= pel[^1].Id)
                {
                    return false;
                }

                pel.Add((id, System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(time), unchecked((long)deliveries)));
                owners.Add(null);
            }

            if (!TryConsumers(ref reader, group, pel, owners))
            {
                return false;
            }

            for (var p = 0; p < pel.Count; p++)
            {
                if (owners[p] is not { } owner)
                {
                    return false;
                }

                group.Pending.Add(new StreamPending(pel[p].Id, owner, pel[p].Time, pel[p].Count));
            }
        }

        packed = groups.Encode();
        return true;
    }

    private static bool TryConsumers(ref RdbReader reader, StreamGroup group, List<(StreamId Id, long Time, long Count)> pel, List<StreamConsumer?> owners)
    {
        if (!reader.TryCount(out var consumers))
        {
            return false;
        }

        for (var c = 0; c < consumers; c++)
        {
            if (!reader.TryString(out var name) || !reader.TryFixed(8, out var seen) || !reader.TryCount(out var owned))
            {
                return false;
            }

            var consumer = group.GetOrAddConsumer(name, System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(seen), out var created);
            if (!created)
            {
                return false;
            }

            for (var o = 0; o < owned; o++)
            {
                if (!reader.TryFixed(16, out var raw))
                {
                    return false;
                }

                var id = ReadRawId(raw);
                var at = pel.BinarySearch((id, 0, 0), PelOrder.Instance);
                if (at < 0 || owners[at] is not null)
                {
                    return false;
                }

                owners[at] = consumer;
            }
        }

        return true;
    }

    /// <summary>Redis' streamEstimateDistanceFromFirstEverEntry on the loaded counters: a Redis 6 file has no read counters.</summary>
    private static long EstimateEntriesRead(long added, long length, StreamId last, StreamId first, StreamId maxDeleted, StreamId id)
    {
        if (added == 0)
        {
            return 0;
        }

        if (length == 0 && id <= last)
        {
            return added;
        }

        if (id == last)
        {
            return added;
        }

        if (id > last)
        {
            return StreamGroup.InvalidEntriesRead;
        }

        if (maxDeleted.IsZero || maxDeleted < first)
        {
            if (id < first)
            {
                return added - length;
            }

            if (id == first)
            {
                return added - length + 1;
            }
        }

        return StreamGroup.InvalidEntriesRead;
    }

    private sealed class PelOrder : IComparer<(StreamId Id, long Time, long Count)>
    {
        public static readonly PelOrder Instance = new();

        public int Compare((StreamId Id, long Time, long Count) x, (StreamId Id, long Time, long Count) y) => x.Id.CompareTo(y.Id);
    }
}
