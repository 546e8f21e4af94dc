using System.Buffers.Binary;
using System.Text;

namespace Cache.Node.Storage;

/// <summary>
/// A whole RDB file in Redis 7.0's layout (RDB version 10), so redis-server loads what we save
/// and we load what it saves: "REDIS0010", aux fields, database 0's selector and size hints,
/// the function libraries, each key (its millisecond expiry, then its object as DUMP writes it), EOF and a CRC-64 of
/// everything before it. Read: the same, plus the opcodes a Redis 7.0 file may hold that carry
/// nothing for us (LRU idle, LFU frequency, module aux), which are skipped; keys of
/// other databases are refused, since this node has only database 0.
/// </summary>
internal static class RdbFile
{
    public const byte OpFunction2 = 0xF5;
    public const byte OpModuleAux = 0xF7;
    public const byte OpIdle = 0xF8;
    public const byte OpFreq = 0xF9;
    public const byte OpAux = 0xFA;
    public const byte OpResizeDb = 0xFB;
    public const byte OpExpireTimeMs = 0xFC;
    public const byte OpExpireTime = 0xFD;
    public const byte OpSelectDb = 0xFE;
    public const byte OpEof = 0xFF;

    private static ReadOnlySpan<byte> Magic => "REDIS"u8;

    /// <summary>The file for the key space as it is now, with the function libraries' codes; call under the key space gate.</summary>
    public static ArraySegment<byte> Write(KeySpace keys, long createdAtSeconds, long usedMemory, IEnumerable<byte[]>? libraries = null)
    {
        var writer = new RdbWriter();
        writer.Raw(Magic);
        writer.Raw(Encoding.ASCII.GetBytes(DumpPayload.RdbVersion.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)));
        Aux(writer, "redis-ver", "7.0.15");
        Aux(writer, "redis-bits", "64");
        Aux(writer, "ctime", createdAtSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Aux(writer, "used-mem", usedMemory.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Aux(writer, "aof-base", "0");
        foreach (var code in libraries ?? [])
        {
            // As Redis 7.0: each library's whole code, ahead of the keys.
            writer.Byte(OpFunction2);
            writer.String(code);
        }

        if (keys.Count > 0)
        {
            writer.Byte(OpSelectDb);
            writer.Length(0);
            writer.Byte(OpResizeDb);
            writer.Length((ulong)keys.Count);
            writer.Length((ulong)keys.VolatileCount);
            keys.WriteRdbEntries(writer);
        }

        writer.Byte(OpEof);
        Span<byte> crc = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(crc, Crc64.Compute(writer.Written));
        writer.Raw(crc);
        return writer.WrittenSegment;
    }

    /// <summary>
    /// Loads every key of <paramref name="file"/> into <paramref name="keys"/> (keys already expired
    /// are skipped, as a Redis master does); the error says what is wrong with a file refused.
    /// Keys before the fault stay loaded. The function libraries' codes go to <paramref name="libraries"/>
    /// (skipped when it is null). Call under the key space gate.
    /// </summary>
    public static bool TryLoad(KeySpace keys, ReadOnlySpan<byte> file, out int loaded, out string? error, List<byte[]>? libraries = null)
    {
        loaded = 0;
        if (file.Length < 9 + 1 || !file.StartsWith(Magic) || !int.TryParse(file[5..9], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            error = "Wrong signature trying to load DB from file";
            return false;
        }

        if (version is < 1 or > DumpPayload.RdbVersion)
        {
            error = $"Can't handle RDB format version {version}";
            return false;
        }

        var reader = new RdbReader(file);
        reader.TryFixed(9, out _);
        var now = keys.NowMs;
        long expiresAt = 0;
        while (true)
        {
            if (!reader.TryByte(out var type))
            {
                error = "Unexpected EOF reading RDB file";
                return false;
            }

            switch (type)
            {
                case OpEof:
                    return CheckSum(file, ref reader, version, out error);
                case OpExpireTimeMs when reader.TryFixed(8, out var ms):
                    expiresAt = BinaryPrimitives.ReadInt64LittleEndian(ms);
                    continue;
                case OpExpireTime when reader.TryFixed(4, out var seconds):
                    expiresAt = BinaryPrimitives.ReadInt32LittleEndian(seconds) * 1000L;
                    continue;
                case OpFreq when reader.TryByte(out _):
                    continue;
                case OpIdle when reader.TryLength(out _):
                    continue;
                case OpSelectDb when reader.TryLength(out var db):
                    if (db != 0)
                    {
                        error = $"The file holds database {db}; this node has only database 0";
                        return false;
                    }

                    continue;
                case OpResizeDb when reader.TryLength(out _) && reader.TryLength(out _):
                    continue;
                case OpAux when reader.TryString(out _) && reader.TryString(out _):
                    continue;
                case OpFunction2 when reader.TryString(out var code):
                    libraries?.Add(code);
                    continue;
                case OpModuleAux or OpFunction2 or OpExpireTimeMs or OpExpireTime or OpFreq or OpIdle or OpSelectDb or OpResizeDb or OpAux:
                    error = type == OpModuleAux ? "The file holds module data, which this node cannot load" : "Unexpected EOF reading RDB file";
                    return false;
            }

            if (!reader.TryString(out var key) || !DumpPayload.TryReadObject(type, ref reader, out var kind, out var wire))
            {
                error = $"Bad or unsupported object (RDB type {type}) at offset {reader.Position}";
                return false;
            }

            if (expiresAt == 0 || expiresAt > now)
            {
                keys.LoadRdbEntry(key, kind, wire, expiresAt);
                loaded++;
            }

            expiresAt = 0;
        }
    }

    private static bool CheckSum(ReadOnlySpan<byte> file, ref RdbReader reader, int version, out string? error)
    {
        error = null;
        if (version < 5)
        {
            return true;
        }

        var end = reader.Position;
        if (!reader.TryFixed(8, out var stored))
        {
            error = "Unexpected EOF reading RDB file";
            return false;
        }

        var expected = BinaryPrimitives.ReadUInt64LittleEndian(stored);
        // A zero checksum means it was saved with rdbchecksum no.
        if (expected != 0 && expected != Crc64.Compute(file[..end]))
        {
            error = "Wrong RDB checksum";
            return false;
        }

        return true;
    }

    private static void Aux(RdbWriter writer, string key, string value)
    {
        writer.Byte(OpAux);
        writer.String(Encoding.ASCII.GetBytes(key));
        writer.String(Encoding.ASCII.GetBytes(value));
    }
}
