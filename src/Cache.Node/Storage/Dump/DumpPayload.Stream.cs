using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace Cache.Node.Storage;

/// <summary>
/// Streams in RDB's form, as Redis 7.0's rdb.c writes them (RDB_TYPE_STREAM_LISTPACKS_2) and reads
/// them (that and Redis 5/6's RDB_TYPE_STREAM_LISTPACKS): each block as one listpack keyed by its
/// master id, then the counters, then the groups with their pending entries and consumers.
/// </summary>
/// <remarks>
/// A listpack holds a master entry (live count, deleted count, the master fields, a 0) and then
/// every entry, deleted ones flagged: flags, ms and seq as differences from the master id, the
/// fields and values (only the values when the fields are the master's), and its element count.
/// Our blocks are Redis' nodes one for one, so the master id is the block's first id.
/// </remarks>
internal static partial class DumpPayload
{
    private const byte TypeStreamListpacks = 15;
    private const byte TypeStreamListpacks2 = 19;
    private const long FlagDeleted = 1;
    private const long FlagSameFields = 2;

    private static void WriteStream(RdbWriter writer, ReadOnlySpan<byte> wire)
    {
        var reader = new SpanReader(wire);
        var last = new StreamId(reader.UInt64(), reader.UInt64());
        var first = new StreamId(reader.UInt64(), reader.UInt64());
        var maxDeleted = new StreamId(reader.UInt64(), reader.UInt64());
        var added = reader.UInt64();
        var length = reader.UInt64();
        var blocks = reader.Int32();
        writer.Byte(TypeStreamListpacks2);
        writer.Length((ulong)blocks);
        var listpack = new ListpackWriter();
        Span<byte> key = stackalloc byte[16];
        for (var b = 0; b < blocks; b++)
        {
            var master = new StreamId(reader.UInt64(), reader.UInt64());
            var live = reader.Int32();
            var deleted = reader.Int32();
            var data = reader.Bytes(reader.Int32());
            WriteRawId(key, master);
            writer.String(key);
            writer.String(NodeListpack(listpack, master, live, deleted, data));
        }

        var groups = StreamGroups.Decode(reader.Bytes(reader.Int32()));
        writer.Length(length);
        WriteId(writer, last);
        WriteId(writer, first);
        WriteId(writer, maxDeleted);
        writer.Length(added);
        writer.Length((ulong)groups.All.Count);
        Span<byte> time = stackalloc byte[8];
        var owned = new Dictionary<StreamConsumer, List<StreamId>>(ReferenceEqualityComparer.Instance);
        foreach (var group in groups.All)
        {
            writer.String(group.Name);
            WriteId(writer, group.LastId);
            writer.Length(unchecked((ulong)group.EntriesRead));
            writer.Length((ulong)group.Pending.Count);
            owned.Clear();
            foreach (var pending in group.Pending)
            {
                WriteRawId(key, pending.Id);
                writer.Raw(key);
                BinaryPrimitives.WriteInt64LittleEndian(time, pending.DeliveryTime);
                writer.Raw(time);
                writer.Length((ulong)pending.DeliveryCount);
                if (!owned.TryGetValue(pending.Consumer, out var ids))
                {
                    owned[pending.Consumer] = ids = [];
                }

                ids.Add(pending.Id);
            }

            writer.Length((ulong)group.Consumers.Count);
            foreach (var consumer in group.Consumers)
            {
                writer.String(consumer.Name);
                BinaryPrimitives.WriteInt64LittleEndian(time, consumer.SeenTime);
                writer.Raw(time);
                var ids = owned.GetValueOrDefault(consumer);
                writer.Length((ulong)(ids?.Count ?? 0));
                foreach (var id in ids ?? [])
                {
                    WriteRawId(key, id);
                    writer.Raw(key);
                }
            }
        }
    }

    /// <summary>One block as Redis' node listpack; the first entry's fields are the master fields.</summary>
    private static byte[] NodeListpack(ListpackWriter listpack, StreamId master, int live, int deleted, ReadOnlySpan<byte> data)
    {
        listpack.Clear();
        listpack.Integer(live);
        listpack.Integer(deleted);
        var masterPairs = data.IsEmpty ? ReadOnlySpan<byte>.Empty : EntryAt(data, 0, out _, out _, out _, out _);
        var masterCount = data.IsEmpty ? 0 : FieldCountAt(data, 0);
        listpack.Integer(masterCount);
        for (var at = 0; at < masterPairs.Length;)
        {
            at = StreamBytes.ReadString(masterPairs, at, out var field);
            at = StreamBytes.ReadString(masterPairs, at, out _);
            listpack.String(field);
        }

        listpack.Integer(0);
        for (var at = 0; at < data.Length;)
        {
            var pairs = EntryAt(data, at, out var flag, out var msDelta, out var seq, out at);
            var count = FieldCountOf(pairs);
            var same = count == masterCount && SameFields(pairs, masterPairs);
            listpack.Integer((flag != 0 ? FlagDeleted : 0) | (same ? FlagSameFields : 0));
            listpack.Integer(unchecked((long)msDelta));
            listpack.Integer(unchecked((long)(seq - master.Seq)));
            if (!same)
            {
                listpack.Integer(count);
            }

            for (var p = 0; p < pairs.Length;)
            {
                p = StreamBytes.ReadString(pairs, p, out var field);
                p = StreamBytes.ReadString(pairs, p, out var value);
                if (!same)
                {
                    listpack.String(field);
                }

                listpack.String(value);
            }

            listpack.Integer(same ? count + 3 : (2 * count) + 4);
        }

        return listpack.ToArray();
    }

    // One entry of a block: [flag][body length][ms - block's first ms][seq][field count][pairs].
    private static ReadOnlySpan<byte> EntryAt(ReadOnlySpan<byte> data, int at, out byte flag, out ulong msDelta, out ulong seq, out int next)
    {
        flag = data[at];
        var start = StreamBytes.ReadVarint(data, at + 1, out var body);
        next = start + (int)body;
        var p = StreamBytes.ReadVarint(data, start, out msDelta);
        p = StreamBytes.ReadVarint(data, p, out seq);
        p = StreamBytes.ReadVarint(data, p, out _);
        return data[p..next];
    }

    private static int FieldCountAt(ReadOnlySpan<byte> data, int at) => FieldCountOf(EntryAt(data, at, out _, out _, out _, out _));

    private static int FieldCountOf(ReadOnlySpan<byte> pairs)
    {
        var count = 0;
        for (var p = 0; p < pairs.Length; count++)
        {
            p = StreamBytes.ReadString(pairs, p, out _);
            p = StreamBytes.ReadString(pairs, p, out _);
        }

        return count;
    }

    private static bool SameFields(ReadOnlySpan<byte> pairs, ReadOnlySpan<byte> master)
    {
        for (int p = 0, m = 0; p < pairs.Length;)
        {
            p = StreamBytes.ReadString(pairs, p, out var field);
            p = StreamBytes.ReadString(pairs, p, out _);
            m = StreamBytes.ReadString(master, m, out var masterField);
            m = StreamBytes.ReadString(master, m, out _);
            if (!field.SequenceEqual(masterField))
            {
                return false;
            }
        }

        return true;
    }

    private static void WriteId(RdbWriter writer, StreamId id)
    {
        writer.Length(id.Ms);
        writer.Length(id.Seq);
    }

    // A rax key or PEL id: ms then seq, big-endian, so that byte order is id order.
    private static void WriteRawId(Span<byte> destination, StreamId id)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, id.Ms);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], id.Seq);
    }

    private static StreamId ReadRawId(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[8..]));

    private static bool TryLong(List<byte[]> items, ref int at, out long value)
    {
        value = 0;
        return at < items.Count && long.TryParse(items[at++], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryId(ref RdbReader reader, out StreamId id)
    {
        var ok = reader.TryLength(out var ms) & reader.TryLength(out var seq);
        id = new(ms, seq);
        return ok;
    }
}
