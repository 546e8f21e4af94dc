using System.Buffers.Binary;
using System.Globalization;

namespace Cache.Node.Storage;

/// <summary>DUMP payloads of lists, sets and sorted sets: RDB's plain list, set and zset2 written; those and Redis 7.0's packed forms read.</summary>
internal static partial class DumpPayload
{
    private const byte TypeList = 1;
    private const byte TypeSet = 2;
    private const byte TypeSortedSet2 = 5;
    private const byte TypeSetIntset = 11;
    private const byte TypeSortedSetListpack = 17;
    private const byte TypeListQuicklist2 = 18;

    // Quicklist 2 node containers: one element as is, or a listpack of several.
    private const ulong ContainerPlain = 1;
    private const ulong ContainerPacked = 2;

    private static void WriteList(RdbWriter writer, ReadOnlySpan<byte> blob)
    {
        writer.Byte(TypeList);
        writer.Length((ulong)ListBlob.Count(blob));
        var run = ListBlob.Elements(blob);
        for (var position = 0; position < run.Length;)
        {
            position = ListBlob.ReadAt(run, position, out var element);
            writer.String(element);
        }
    }

    private static void WriteSet(RdbWriter writer, ReadOnlySpan<byte> wire)
    {
        writer.Byte(TypeSet);
        writer.Length((ulong)SmallSetBlob.Count(wire));
        for (var position = SmallSetBlob.Start; position < wire.Length;)
        {
            position = SmallSetBlob.ReadAt(wire, position, out var member);
            writer.String(member);
        }
    }

    private static void WriteSortedSet(RdbWriter writer, ReadOnlySpan<byte> blob)
    {
        writer.Byte(TypeSortedSet2);
        writer.Length((ulong)ZSetBlob.Count(blob));
        for (var position = ZSetBlob.Start; position < blob.Length;)
        {
            position = ZSetBlob.ReadAt(blob, position, out var member, out var score);
            writer.String(member);
            writer.BinaryDouble(score);
        }
    }

    private static bool TryReadCollection(byte type, ref RdbReader reader, out ValueKind kind, out byte[] wire)
    {
        kind = type switch
        {
            TypeList or TypeListQuicklist2 => ValueKind.List,
            TypeSet or TypeSetIntset => ValueKind.Set,
            TypeSortedSet2 or TypeSortedSetListpack => ValueKind.SortedSet,
            _ => ValueKind.None,
        };
        wire = [];
        var items = new List<byte[]>();
        switch (type)
        {
            case TypeList:
            case TypeSet:
                return TryStrings(ref reader, items) && (type == TypeList ? TryListWire(items, out wire) : TrySetWire(items, out wire));
            case TypeListQuicklist2:
                return TryQuicklist(ref reader, items) && TryListWire(items, out wire);
            case TypeSetIntset:
                return reader.TryString(out var intset) && TryIntset(intset, items) && TrySetWire(items, out wire);
            case TypeSortedSet2:
                return TryScoredPairs(ref reader, out wire);
            case TypeSortedSetListpack:
                return reader.TryString(out var listpack) && Listpack.TryRead(listpack, items) && TrySortedSetFromText(items, out wire);
            default:
                return false;
        }
    }

    private static bool TryStrings(ref RdbReader reader, List<byte[]> items)
    {
        if (!reader.TryCount(out var count) || count == 0)
        {
            return false;
        }

        for (var i = 0; i < count; i++)
        {
            if (!reader.TryString(out var item))
            {
                return false;
            }

            items.Add(item);
        }

        return true;
    }

    private static bool TryQuicklist(ref RdbReader reader, List<byte[]> items)
    {
        if (!reader.TryCount(out var nodes) || nodes == 0)
        {
            return false;
        }

        for (var i = 0; i < nodes; i++)
        {
            if (!reader.TryLength(out var container) || !reader.TryString(out var node))
            {
                return false;
            }

            if (container == ContainerPlain)
            {
                items.Add(node);
            }
            else if (container != ContainerPacked || !Listpack.TryRead(node, items))
            {
                return false;
            }
        }

        return items.Count > 0;
    }

    // An intset: 4-byte element width (2, 4 or 8), 4-byte count, then the sorted integers, little-endian.
    private static bool TryIntset(ReadOnlySpan<byte> intset, List<byte[]> items)
    {
        if (intset.Length < 8)
        {
            return false;
        }

        var width = BinaryPrimitives.ReadUInt32LittleEndian(intset);
        var count = BinaryPrimitives.ReadUInt32LittleEndian(intset[4..]);
        if (width is not (2 or 4 or 8) || count == 0 || (ulong)intset.Length != 8 + ((ulong)width * count))
        {
            return false;
        }

        for (var i = 0; i < (int)count; i++)
        {
            var at = intset.Slice(8 + (i * (int)width), (int)width);
            var value = width switch
            {
                2 => (long)BinaryPrimitives.ReadInt16LittleEndian(at),
                4 => BinaryPrimitives.ReadInt32LittleEndian(at),
                _ => BinaryPrimitives.ReadInt64LittleEndian(at),
            };
            items.Add(System.Text.Encoding.ASCII.GetBytes(value.ToString(CultureInfo.InvariantCulture)));
        }

        return true;
    }

    private static bool TryListWire(List<byte[]> items, out byte[] wire)
    {
        var size = ListBlob.Start;
        foreach (var item in items)
        {
            size += ListBlob.ElementSize(item.Length);
        }

        wire = new byte[size];
        ListBlob.SetCount(wire, items.Count);
        var at = ListBlob.Start;
        foreach (var item in items)
        {
            at += ListBlob.Write(wire.AsSpan(at), item);
        }

        return true;
    }

    // A repeated member is corrupt data, as Redis' sanitizer finds it.
    private static bool TrySetWire(List<byte[]> items, out byte[] wire)
    {
        wire = [];
        var seen = new HashSet<byte[]>(items.Count, FieldComparer.Instance);
        var size = SmallSetBlob.Start;
        foreach (var item in items)
        {
            if (!seen.Add(item))
            {
                return false;
            }

            size += SmallSetBlob.MemberSize(item.Length);
        }

        wire = new byte[size];
        var length = SmallSetBlob.WriteEmpty(wire);
        foreach (var item in items)
        {
            length = SmallSetBlob.Append(wire, length, item);
        }

        return true;
    }

    private static bool TryScoredPairs(ref RdbReader reader, out byte[] wire)
    {
        wire = [];
        if (!reader.TryCount(out var count) || count == 0)
        {
            return false;
        }

        var pairs = new List<(byte[] Member, double Score)>(Math.Min(count, 4096));
        for (var i = 0; i < count; i++)
        {
            if (!reader.TryString(out var member) || !reader.TryBinaryDouble(out var score))
            {
                return false;
            }

            pairs.Add((member, score));
        }

        return TrySortedSetWire(pairs, out wire);
    }

    private static bool TrySortedSetFromText(List<byte[]> items, out byte[] wire)
    {
        wire = [];
        if (items.Count == 0 || (items.Count & 1) != 0)
        {
            return false;
        }

        var pairs = new List<(byte[] Member, double Score)>(items.Count / 2);
        for (var i = 0; i < items.Count; i += 2)
        {
            if (!TryScore(items[i + 1], out var score))
            {
                return false;
            }

            pairs.Add((items[i], score));
        }

        return TrySortedSetWire(pairs, out wire);
    }

    // A listpack score as Redis writes it: an integer, a %.17g number, or inf / -inf.
    private static bool TryScore(ReadOnlySpan<byte> text, out double score)
    {
        if (System.Text.Ascii.EqualsIgnoreCase(text, "inf"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "+inf"u8))
        {
            score = double.PositiveInfinity;
            return true;
        }

        if (System.Text.Ascii.EqualsIgnoreCase(text, "-inf"u8))
        {
            score = double.NegativeInfinity;
            return true;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out score) && !double.IsNaN(score);
    }

    // The wire form keeps (score, member) order; NaN scores and repeated members are corrupt data.
    private static bool TrySortedSetWire(List<(byte[] Member, double Score)> pairs, out byte[] wire)
    {
        wire = [];
        var seen = new HashSet<byte[]>(pairs.Count, FieldComparer.Instance);
        var size = ZSetBlob.Start;
        foreach (var (member, score) in pairs)
        {
            if (double.IsNaN(score) || !seen.Add(member))
            {
                return false;
            }

            size += ZSetBlob.EntrySize(member.Length);
        }

        pairs.Sort((a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : a.Member.AsSpan().SequenceCompareTo(b.Member));
        wire = new byte[size];
        ZSetBlob.SetCount(wire, pairs.Count);
        var at = ZSetBlob.Start;
        foreach (var (member, score) in pairs)
        {
            at += ZSetBlob.WriteEntry(wire.AsSpan(at), member, score);
        }

        return true;
    }
}
