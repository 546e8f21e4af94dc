using System.Buffers.Binary;
using Cache.Node.Storage;

namespace Cache.Node.Commands;

/// <summary>
/// FUNCTION DUMP's payload, as Redis 7.0 writes it so either server restores the other's: each
/// library as the RDB function opcode and its code as an RDB string, then the RDB version (two
/// bytes) and a CRC-64 of everything before, little-endian.
/// </summary>
internal static class FunctionPayload
{
    private const byte OpFunctionPreGa = 0xF6;

    public static byte[] Write(IEnumerable<FunctionLibrary> libraries)
    {
        var writer = new RdbWriter();
        foreach (var library in libraries)
        {
            writer.Byte(RdbFile.OpFunction2);
            writer.String(library.Code);
        }

        Span<byte> footer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(footer, DumpPayload.RdbVersion);
        writer.Raw(footer[..2]);
        BinaryPrimitives.WriteUInt64LittleEndian(footer, Crc64.Compute(writer.Written));
        writer.Raw(footer);
        return writer.Written.ToArray();
    }

    /// <summary>The libraries' codes of a payload, or null with Redis' error.</summary>
    public static List<byte[]>? TryRead(ReadOnlySpan<byte> payload, out string? error)
    {
        if (!DumpPayload.IsIntact(payload))
        {
            error = "ERR DUMP payload version or checksum are wrong";
            return null;
        }

        var codes = new List<byte[]>();
        var reader = new RdbReader(payload[..^10]);
        while (!reader.AtEnd)
        {
            if (!reader.TryByte(out var type))
            {
                error = "ERR can not read data type";
                return null;
            }

            if (type != RdbFile.OpFunction2)
            {
                error = type == OpFunctionPreGa ? "ERR Pre-GA function format not supported" : "ERR given type is not a function";
                return null;
            }

            if (!reader.TryString(out var code))
            {
                error = "ERR failed loading the given functions payload";
                return null;
            }

            codes.Add(code);
        }

        error = null;
        return codes;
    }
}
