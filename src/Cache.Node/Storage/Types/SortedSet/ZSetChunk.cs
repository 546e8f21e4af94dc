using System.Buffers.Binary;

namespace Cache.Node.Storage;

/// <summary>One member of a large sorted set in its slab chunk: the 8-byte score, varint member length, the member.</summary>
internal static class ZSetChunk
{
    public static int SizeOf(int memberLength) => ZSetBlob.EntrySize(memberLength);

    public static double Score(ReadOnlySpan<byte> chunk) => BinaryPrimitives.ReadDoubleLittleEndian(chunk);

    public static void SetScore(Span<byte> chunk, double score) => BinaryPrimitives.WriteDoubleLittleEndian(chunk, score);

    public static ReadOnlySpan<byte> Member(ReadOnlySpan<byte> chunk)
    {
        var at = RecordLayout.ReadVarint(chunk, sizeof(double), out var length);
        return chunk.Slice(at, (int)length);
    }
}
