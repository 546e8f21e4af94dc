using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>
/// DUMP's serialized value, in Redis' format so that a payload moves between this node and
/// redis-server: an RDB object type byte, the object, the RDB version (2 bytes) and a CRC-64 of
/// all that (8 bytes), little-endian. Written in RDB's plain encodings (string, list, set, zset2,
/// hash), which every Redis loads, and streams as Redis 7.0 writes them (listpacks, type 19); read
/// in those, the ones a Redis 7.0 DUMP of a small value produces where supported, and Redis 5/6's
/// streams (type 15). The value travels in its kind's codec wire form.
/// </summary>
internal static partial class DumpPayload
{
    /// <summary>Redis 7.0's RDB version; payloads from a newer one are refused, as 7.0 does.</summary>
    public const ushort RdbVersion = 10;

    private const byte TypeString = 0;
    private const byte TypeHash = 4;
    private const byte TypeHashListpack = 16;

    /// <summary>The payload of a live entry's value; null for a kind DUMP cannot write.</summary>
    public static byte[]? Serialize(KeySpace keys, in StoreEntry entry)
    {
        var writer = new RdbWriter();
        if (!WriteObject(writer, keys, entry))
        {
            return null;
        }

        Span<byte> version = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(version, RdbVersion);
        writer.Raw(version);
        Span<byte> crc = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(crc, Crc64.Compute(writer.Written));
        writer.Raw(crc);
        return writer.Written.ToArray();
    }

    /// <summary>Writes the value as an RDB object (type byte, then the object), as DUMP and an RDB file hold it; false for a kind RDB cannot hold.</summary>
    public static bool WriteObject(RdbWriter writer, KeySpace keys, in StoreEntry entry)
    {
        switch (entry.Kind)
        {
            case ValueKind.String:
                writer.Byte(TypeString);
                writer.String(keys.ValueOf(entry));
                break;
            case ValueKind.Hash:
                writer.Byte(TypeHash);
                WriteHash(writer, keys.CodecFor(ValueKind.Hash)!.Export(entry));
                break;
            case ValueKind.List:
                WriteList(writer, keys.CodecFor(ValueKind.List)!.Export(entry));
                break;
            case ValueKind.Set:
                WriteSet(writer, keys.CodecFor(ValueKind.Set)!.Export(entry));
                break;
            case ValueKind.SortedSet:
                WriteSortedSet(writer, keys.CodecFor(ValueKind.SortedSet)!.Export(entry));
                break;
            case ValueKind.Stream:
                WriteStream(writer, keys.CodecFor(ValueKind.Stream)!.Export(entry));
                break;
            default:
                return false;
        }

        return true;
    }

    /// <summary>True when the version and checksum hold (Redis' verifyDumpPayload).</summary>
    public static bool IsIntact(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 10)
        {
            return false;
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(payload[^10..]);
        if (version > RdbVersion)
        {
            return false;
        }

        var crc = BinaryPrimitives.ReadUInt64LittleEndian(payload[^8..]);
        return Crc64.Compute(payload[..^8]) == crc;
    }

    /// <summary>Reads an intact payload's value as a kind and its wire form; false when the object is malformed or of an unsupported type.</summary>
    public static bool TryDeserialize(ReadOnlySpan<byte> payload, out ValueKind kind, out byte[] wire)
    {
        var reader = new RdbReader(payload[..^10]);
        if (!reader.TryByte(out var type))
        {
            kind = ValueKind.None;
            wire = [];
            return false;
        }

        return TryReadObject(type, ref reader, out kind, out wire) && reader.AtEnd;
    }

    /// <summary>Reads the object of RDB type <paramref name="type"/> (already read) at the reader's position.</summary>
    public static bool TryReadObject(byte type, ref RdbReader reader, out ValueKind kind, out byte[] wire)
    {
        switch (type)
        {
            case TypeString:
                kind = ValueKind.String;
                return reader.TryString(out wire);
            case TypeHash:
                kind = ValueKind.Hash;
                return TryReadHash(ref reader, out wire);
            case TypeHashListpack:
                kind = ValueKind.Hash;
                return TryReadHashListpack(ref reader, out wire);
            case TypeStreamListpacks or TypeStreamListpacks2:
                kind = ValueKind.Stream;
                return TryReadStream(ref reader, type == TypeStreamListpacks2, out wire);
            default:
                return TryReadCollection(type, ref reader, out kind, out wire);
        }
    }

    private static void WriteHash(RdbWriter writer, ReadOnlySpan<byte> blob)
    {
        writer.Length((ulong)HashBlob.Count(blob));
        for (var position = HashBlob.Start; position < blob.Length;)
        {
            position = HashBlob.ReadAt(blob, position, out var field, out var value);
            writer.String(field);
            writer.String(value);
        }
    }

    private static bool TryReadHash(ref RdbReader reader, out byte[] wire)
    {
        wire = [];
        if (!reader.TryCount(out var count) || count == 0)
        {
            return false;
        }

        var items = new List<byte[]>(Math.Min(count, 1024) * 2);
        for (var i = 0; i < count * 2; i++)
        {
            if (!reader.TryString(out var item))
            {
                return false;
            }

            items.Add(item);
        }

        return TryHashBlob(items, out wire);
    }

    private static bool TryReadHashListpack(ref RdbReader reader, out byte[] wire)
    {
        wire = [];
        var items = new List<byte[]>();
        return reader.TryString(out var listpack) && Listpack.TryRead(listpack, items) && items.Count > 0 && TryHashBlob(items, out wire);
    }

    // Fields and values alternating, into the hash's wire form; a duplicate field is corrupt data, as Redis' sanitizer finds it.
    private static bool TryHashBlob(List<byte[]> items, out byte[] wire)
    {
        wire = [];
        if ((items.Count & 1) != 0)
        {
            return false;
        }

        var fields = new HashSet<byte[]>(items.Count / 2, FieldComparer.Instance);
        var pairs = new List<(byte[] Field, byte[] Value)>(items.Count / 2);
        var size = HashBlob.Start;
        for (var i = 0; i < items.Count; i += 2)
        {
            if (!fields.Add(items[i]))
            {
                return false;
            }

            pairs.Add((items[i], items[i + 1]));
            size += HashBlob.PairSize(items[i].Length, items[i + 1].Length);
        }

        wire = new byte[size];
        var length = 0;
        foreach (var (field, value) in pairs)
        {
            length = HashBlob.Append(wire, length, field, value);
        }

        return true;
    }

    private sealed class FieldComparer : IEqualityComparer<byte[]>
    {
        public static readonly FieldComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => (int)System.IO.Hashing.XxHash3.HashToUInt64(obj);
    }
}
